using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ModelDsl.Generators;

// Where in the source an attribute, one of its arguments or a declaration is, for diagnostic locations.
internal static class Syntax
{
    public static AttributeSyntax? Of(AttributeData attribute, CancellationToken cancellationToken) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;

    public static Location? Location(AttributeData attribute, CancellationToken cancellationToken) =>
        Of(attribute, cancellationToken)?.GetLocation() ?? attribute.AttributeClass?.Locations.FirstOrDefault();

    /// <summary>The named argument <paramref name="name"/> (<c>KeepChannels = 1.5</c>), or the attribute when it is not written.</summary>
    public static Location? Named(AttributeData attribute, string name, CancellationToken cancellationToken)
    {
        var syntax = Of(attribute, cancellationToken);
        var argument = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
        return argument?.GetLocation() ?? syntax?.GetLocation();
    }

    /// <summary>The <paramref name="index"/>-th positional argument (a params array's elements continue the count).</summary>
    public static Location? Positional(AttributeData attribute, int index, CancellationToken cancellationToken)
    {
        var syntax = Of(attribute, cancellationToken);
        var positional = syntax?.ArgumentList?.Arguments.Where(a => a.NameEquals is null).ToList();
        return positional is not null && index < positional.Count ? positional[index].GetLocation() : syntax?.GetLocation();
    }

    /// <summary>The class name in its first declaration (the non-partial one when there is one).</summary>
    public static Location? ClassName(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is ClassDeclarationSyntax declaration &&
                !declaration.Modifiers.Any(m => m.ValueText == "partial"))
            {
                return declaration.Identifier.GetLocation();
            }
        }

        return type.Locations.FirstOrDefault();
    }

    /// <summary>The property name in its declaration.</summary>
    public static Location? PropertyName(IPropertySymbol property) => property.Locations.FirstOrDefault();
}
