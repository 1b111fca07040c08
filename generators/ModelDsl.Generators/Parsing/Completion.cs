using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// What the generator needs to complete a class it cannot build: the partial layer properties' signatures, read from
// their declarations. Null where C# would not accept a completion anyway (a declaration that is not partial): the
// compiler's own error then says what to do.
internal static class Completion
{
    public static ClassCompletion? Of(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.TypeKind != TypeKind.Class || !AllPartial(type, cancellationToken))
        {
            return null;
        }

        // A nested class is completed inside its containers, which must be partial too.
        var containers = new List<string>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (!AllPartial(outer, cancellationToken))
            {
                return null;
            }

            var keyword = outer.IsRecord ? (outer.TypeKind == TypeKind.Struct ? "record struct" : "record") : outer.TypeKind switch
            {
                TypeKind.Struct => "struct",
                TypeKind.Interface => "interface",
                _ => "class",
            };
            containers.Insert(0, "partial " + keyword + " " + Names.Identifier(outer.Name) + TypeParameters(outer));
        }

        var properties = new List<PartialProperty>();
        foreach (var (property, _) in Members.Of(type))
        {
            if (!property.IsPartialDefinition || property.PartialImplementationPart is not null ||
                property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not PropertyDeclarationSyntax declaration)
            {
                continue;
            }

            // A declaration without accessors (or with a garbled one) is the compiler's to report; completing it would only add errors.
            if (declaration.AccessorList is not { Accessors.Count: > 0 } list ||
                list.Accessors.Any(a => !a.Keyword.IsKind(SyntaxKind.GetKeyword) && !a.Keyword.IsKind(SyntaxKind.SetKeyword) && !a.Keyword.IsKind(SyntaxKind.InitKeyword)))
            {
                continue;
            }

            var modifiers = string.Join(" ", declaration.Modifiers.Where(m => !m.IsKind(SyntaxKind.PartialKeyword)).Select(m => m.Text));
            var accessors = "{ " + string.Concat(list.Accessors.Select(a => string.Concat(a.Modifiers.Select(m => m.Text + " ")) + a.Keyword.Text + " => throw NotGenerated(); ")) + "}";
            // A type that does not bind is the compiler's to report; repeating it would only add an error in generated code.
            if (property.Type.TypeKind == TypeKind.Error)
            {
                continue;
            }

            var typeName = property.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier));
            properties.Add(new PartialProperty(modifiers, typeName, Names.Identifier(property.Name), accessors));
        }

        var display = string.Join(".", containers.Select(c => c.Substring(c.LastIndexOf(' ') + 1)).Append(type.Name));
        var isLayer = type.BaseType is null || type.BaseType.SpecialType == SpecialType.System_Object || Symbols.IsTensorModule(type.BaseType);
        return new ClassCompletion(Symbols.NamespaceOf(type), containers.ToEquatableArray(), Names.Identifier(type.Name) + TypeParameters(type), display, properties.ToEquatableArray(), isLayer);
    }

    private static string TypeParameters(INamedTypeSymbol type) =>
        type.TypeParameters.Length == 0 ? string.Empty : "<" + string.Join(", ", type.TypeParameters.Select(p => Names.Identifier(p.Name))) + ">";

    private static bool AllPartial(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.DeclaringSyntaxReferences.All(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));
}
