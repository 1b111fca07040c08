using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ModelDsl.Generators;

// Questions about Roslyn symbols the parsers ask; only the first pipeline transform calls these.
internal static class Symbols
{
    public const string Namespace = "ModelDsl";

    /// <summary>True for a type named <paramref name="name"/> in the <c>ModelDsl</c> namespace.</summary>
    public static bool Is(ITypeSymbol? type, string name) =>
        type is not null && type.Name == name && type.ContainingType is null &&
        type.ContainingNamespace is { Name: Namespace, ContainingNamespace.IsGlobalNamespace: true };

    /// <summary>True when <paramref name="type"/> is or derives from TorchSharp's <c>torch.nn.Module</c>.</summary>
    public static bool IsModule(ITypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) is "TorchSharp.torch.nn.Module" ||
                current.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) == "TorchSharp.torch.nn.Module<T1, TResult>")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for TorchSharp's <c>Module&lt;Tensor, Tensor&gt;</c> itself, the base the generated part names.</summary>
    public static bool IsTensorModule(ITypeSymbol? type) =>
        type is not null && type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == ModuleTypes.Module;

    /// <summary>True for a layer attribute (derived from <c>ModelDsl.LayerAttribute</c>).</summary>
    public static bool IsLayerAttribute(INamedTypeSymbol attribute) =>
        !Is(attribute, "LayerAttribute") && DerivesFrom(attribute, "LayerAttribute");

    /// <summary>True for an attribute this generator reads on a layer property.</summary>
    public static bool IsMemberAttribute(AttributeData attribute) =>
        attribute.AttributeClass is { } type && (Is(type, "BlockAttribute") || Is(type, "StageAttribute") || IsLayerAttribute(type));

    /// <summary>
    /// A class the generator can complete: partial in every declaration, not nested, not generic, deriving from nothing
    /// or from TorchSharp's <c>Module&lt;Tensor, Tensor&gt;</c> itself (the generated part names that base).
    /// </summary>
    public static bool IsGeneratable(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.TypeKind != TypeKind.Class || type.ContainingType is not null || type.IsGenericType || type.IsStatic)
        {
            return false;
        }

        if (type.BaseType is { } baseType && baseType.SpecialType != SpecialType.System_Object && !IsTensorModule(baseType))
        {
            return false;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not ClassDeclarationSyntax declaration ||
                !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The namespace of <paramref name="type"/> as written, or null for the global namespace.</summary>
    public static string? NamespaceOf(INamedTypeSymbol type) =>
        type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();

    /// <summary>The fully qualified name with <c>global::</c>.</summary>
    public static string Qualified(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

    /// <summary>The attribute of <paramref name="name"/> in the <c>ModelDsl</c> namespace on <paramref name="symbol"/>, if any.</summary>
    public static AttributeData? Find(ISymbol symbol, string name) =>
        symbol.GetAttributes().FirstOrDefault(a => Is(a.AttributeClass, name));

    private static bool DerivesFrom(ITypeSymbol type, string name)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (Is(current, name))
            {
                return true;
            }
        }

        return false;
    }
}
