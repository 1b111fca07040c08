using Microsoft.CodeAnalysis;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// A [Block] class to a BlockTarget: its parameters, its layer properties and its residual connection.
internal static class BlockParser
{
    /// <summary>The name a block has in specs: its fully qualified C# name (<c>Demo.BasicBlock</c>).</summary>
    public static string SpecName(INamedTypeSymbol block) => block.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);

    /// <summary>The block, or null when it is malformed or not a block.</summary>
    /// <param name="type">A class that should carry <c>[Block(...)]</c>.</param>
    /// <param name="blocksUsed">Receives the block classes its properties use.</param>
    /// <param name="cancellationToken">Cancels the syntax look-ups.</param>
    public static BlockTarget? Parse(INamedTypeSymbol type, List<INamedTypeSymbol> blocksUsed, CancellationToken cancellationToken)
    {
        // The declaration form [Block("planes", "stride = 1")]: one params string[] argument.
        var declaration = Symbols.Find(type, "BlockAttribute");
        if (declaration is null || declaration.ConstructorArguments.Length != 1 || Symbols.Find(type, "ModelAttribute") is not null ||
            !Symbols.IsGeneratable(type, cancellationToken))
        {
            return null;
        }

        var parameters = Parameters(declaration.ConstructorArguments[0]);
        var members = MemberParser.ParseAll(type, blocksUsed);
        if (parameters is null || members is null || members.Count == 0)
        {
            return null;
        }

        var residual = Residual(type, members);
        if (residual is { BranchLength: < 0 })
        {
            return null;
        }

        // Constructor parameters of the generated block: one per member, plus the shortcut or the residual switch.
        if (residual is not null && members.Any(m => m.ParameterName is "shortcut" or "residual"))
        {
            return null;
        }

        var layers = members.Select(m => m.Layer).ToList();
        if (residual is not null)
        {
            var branch = new LayerSpec(
                null,
                LayerKind.Residual,
                new[] { Arg.Of("shortcut", residual.Shortcut), Arg.Of("shortcut_name", residual.ProjectionName) },
                layers.Take(residual.BranchLength).ToEquatableArray());
            layers = new[] { branch }.Concat(layers.Skip(residual.BranchLength)).ToList();
        }

        return new BlockTarget(
            Symbols.NamespaceOf(type),
            type.Name,
            members.ToEquatableArray(),
            residual,
            new BlockSpec(SpecName(type), parameters.ToEquatableArray(), layers.ToEquatableArray()));
    }

    private static List<BlockParameter>? Parameters(TypedConstant constant)
    {
        var texts = ConstantText.Strings(constant);
        if (texts is null)
        {
            return null;
        }

        var parameters = new List<BlockParameter>();
        foreach (var text in texts)
        {
            var (name, value) = Assignment.Split(text);
            if (name is null || (value is null && text.IndexOf('=') >= 0) || parameters.Any(p => p.Name == name))
            {
                return null;
            }

            parameters.Add(new BlockParameter(name, value));
        }

        return parameters;
    }

    // A BranchLength of -1 marks a malformed [Residual] (unknown shortcut or Through).
    private static ResidualTarget? Residual(INamedTypeSymbol type, List<MemberTarget> members)
    {
        var attribute = Symbols.Find(type, "ResidualAttribute");
        if (attribute is null)
        {
            return null;
        }

        var shortcut = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int mode
            ? mode switch { 0 => "identity", 1 => "projection", 2 => "if-same", _ => null }
            : null;
        var length = members.Count;
        var projectionName = "downsample";
        foreach (var named in attribute.NamedArguments)
        {
            var text = ConstantText.Of(named.Value);
            switch (named.Key)
            {
                case "Through":
                    var index = members.FindIndex(m => m.PropertyName == text);
                    length = index < 0 ? -1 : index + 1;
                    break;
                case "ProjectionName" when text is { Length: > 0 }:
                    projectionName = text;
                    break;
                default:
                    length = -1;
                    break;
            }
        }

        return new ResidualTarget(shortcut ?? string.Empty, shortcut is null ? -1 : length, projectionName);
    }
}
