using Microsoft.CodeAnalysis;

namespace ModelDsl.Generators;

// The layer members of a model or block in declaration order, each with its layer, [Block] and [Stage] attributes in
// source order: the order the parser turns them into spec nodes, so that a spec path maps back to an attribute.
internal static class Members
{
    public static List<(IPropertySymbol Property, IReadOnlyList<AttributeData> Attributes)> Of(INamedTypeSymbol type)
    {
        var members = new List<(IPropertySymbol, IReadOnlyList<AttributeData>)>();
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            var attributes = property.GetAttributes().Where(Symbols.IsMemberAttribute).ToList();
            if (attributes.Count > 0)
            {
                members.Add((property, attributes));
            }
        }

        return members;
    }
}
