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
        var declarations = type.GetAttributes().Where(a => Symbols.Is(a.AttributeClass, "BlockAttribute")).ToList();
        var declaration = declarations.Count == 1 ? declarations[0] : null;
        if (declaration is null || declaration.ConstructorArguments.Length != 1 || Symbols.Find(type, "ModelAttribute") is not null ||
            !Symbols.IsGeneratable(type, cancellationToken))
        {
            return null;
        }

        var parameters = Parameters(declaration.ConstructorArguments[0]);
        var members = MemberParser.ParseAll(type, blocksUsed);
        var numbered = false;
        foreach (var named in declaration.NamedArguments)
        {
            if (named.Key != "Sequential" || named.Value.Value is not bool flag)
            {
                return null;
            }

            numbered = flag;
        }

        if (parameters is null || members is null || members.Count == 0)
        {
            return null;
        }

        if (numbered)
        {
            // nn.Sequential subclasses (torchvision's Conv2dNormActivation) name their layers by position.
            members = members.Select((m, i) => m with { Layer = m.Layer with { Name = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } }).ToList();
        }

        var residuals = Residuals(type, members);
        if (residuals is null)
        {
            return null;
        }

        // Each residual's members become the children of one Residual node, in place.
        var layers = new List<LayerSpec>();
        for (var i = 0; i < members.Count; i++)
        {
            var residual = residuals.FirstOrDefault(r => r.Start == i);
            if (residual is null)
            {
                layers.Add(members[i].Layer);
                continue;
            }

            layers.Add(new LayerSpec(
                null,
                LayerKind.Residual,
                new[] { Arg.Of("shortcut", residual.Shortcut), Arg.Of("shortcut_name", residual.ProjectionName) },
                members.Skip(residual.Start).Take(residual.End - residual.Start).Select(m => m.Layer).ToEquatableArray()));
            i = residual.End - 1;
        }

        return new BlockTarget(
            Symbols.NamespaceOf(type),
            type.Name,
            members.ToEquatableArray(),
            residuals.ToEquatableArray(),
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

    // The [Residual] attributes in member order; null when one is malformed (unknown shortcut or member, overlapping
    // ranges) or a constructor parameter it needs would clash with a member's.
    private static List<ResidualTarget>? Residuals(INamedTypeSymbol type, List<MemberTarget> members)
    {
        var ranges = new List<(string Shortcut, int Start, int End, string ProjectionName)>();
        foreach (var attribute in type.GetAttributes().Where(a => Symbols.Is(a.AttributeClass, "ResidualAttribute")))
        {
            var shortcut = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int mode
                ? mode switch { 0 => "identity", 1 => "projection", 2 => "if-same", _ => null }
                : null;
            int start = 0, end = members.Count;
            var projectionName = "downsample";
            foreach (var named in attribute.NamedArguments)
            {
                var text = ConstantText.Of(named.Value);
                switch (named.Key)
                {
                    case "From":
                        start = members.FindIndex(m => m.PropertyName == text);
                        break;
                    case "Through":
                        end = members.FindIndex(m => m.PropertyName == text) + 1;
                        break;
                    case "ProjectionName" when text is { Length: > 0 } && Names.IsIdentifier(text):
                        projectionName = text;
                        break;
                    default:
                        return null;
                }
            }

            if (shortcut is null || start < 0 || end <= start)
            {
                return null;
            }

            ranges.Add((shortcut, start, end, projectionName));
        }

        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        var residuals = new List<ResidualTarget>();
        var ifSame = 0;
        for (var i = 0; i < ranges.Count; i++)
        {
            var (shortcut, start, end, projectionName) = ranges[i];
            if (i > 0 && start < ranges[i - 1].End)
            {
                return null;
            }

            // Shape inference names the additions of one scope add, add_1, add_2 … in order.
            var addName = i == 0 ? "add" : "add_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var parameter = shortcut switch
            {
                "projection" => Names.ToParameterName(projectionName),
                "if-same" => "residual" + (ifSame++ == 0 ? string.Empty : ifSame.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                _ => null,
            };
            residuals.Add(new ResidualTarget(shortcut, start, end, projectionName, addName, parameter));
        }

        var parameters = members.Select(m => m.ParameterName).Concat(residuals.Select(r => r.ParameterName).OfType<string>()).ToList();
        return parameters.Distinct(StringComparer.Ordinal).Count() == parameters.Count ? residuals : null;
    }
}
