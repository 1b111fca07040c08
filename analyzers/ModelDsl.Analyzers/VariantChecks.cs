using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelDsl.Generators;
using ModelDsl.Spec;

namespace ModelDsl.Analyzers;

// The 3xxx family. Argument values are judged before parsing (the parser rejects a model whose variants are
// malformed); what needs shapes (divisibility, ranks, emptied layers) is judged on the inferred model.
internal static class VariantChecks
{
    public static IEnumerable<AttributeData> Attributes(INamedTypeSymbol type) =>
        type.GetAttributes().Where(a => Symbols.Is(a.AttributeClass, "VariantAttribute"));

    public static void Declarations(INamedTypeSymbol type, Reporter report)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var attribute in Attributes(type))
        {
            var cancellationToken = report.CancellationToken;
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error)
            {
                continue;
            }

            var name = attribute.ConstructorArguments[0].Value as string;
            if (name is null || !Names.IsIdentifier(name) || !names.Add(name))
            {
                var why = name is null || !Names.IsIdentifier(name) ? "a variant name is a C# identifier suffix, e.g. \"Slim\"" : "another variant is named '" + name + "'";
                report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Positional(attribute, 0, cancellationToken), "name", "Variant", why);
            }

            var variant = name ?? "?";
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Value.Kind == TypedConstantKind.Error)
                {
                    continue;
                }

                var location = Syntax.Named(attribute, named.Key, cancellationToken);
                switch (named.Key)
                {
                    case "KeepChannels" when ConstantText.Real(named.Value) is { } keep:
                        if (!(keep > 0 && keep <= 1))
                        {
                            report.Report(DiagnosticDescriptors.KeepRatioOutOfRange, location, keep.ToString("R", CultureInfo.InvariantCulture), variant);
                        }

                        break;
                    case "Sparsity" when named.Value.Value is string pattern:
                        if (Sparsity.Parse(pattern, out _, out _) is { } problem)
                        {
                            report.Report(DiagnosticDescriptors.InvalidSparsity, location, pattern, variant, problem);
                        }

                        break;
                    case "Weights" when named.Value.Value is int precision:
                        if (precision is < 0 or > 2)
                        {
                            report.Report(DiagnosticDescriptors.UnsupportedPrecision, location, "(Precision)" + precision.ToString(CultureInfo.InvariantCulture), variant);
                        }

                        break;
                    case "Rank" when named.Value.Value is int rank:
                        if (rank <= 0)
                        {
                            report.Report(DiagnosticDescriptors.MalformedArgument, location, named.Key, "Variant", "a rank is a positive integer, got " + rank.ToString(CultureInfo.InvariantCulture));
                        }

                        break;
                    default:
                        report.Report(DiagnosticDescriptors.MalformedArgument, location, named.Key, "Variant", "unexpected value " + named.Value.ToCSharpString());
                        break;
                }
            }
        }
    }

    /// <summary>Checks the parsed variants (in declaration order, as the parser lists them) against the inferred model.</summary>
    public static void Compression(INamedTypeSymbol type, ModelSpec spec, ShapeResult shapes, Reporter report)
    {
        var attributes = Attributes(type).ToList();
        for (var i = 0; i < spec.Variants.Count && i < attributes.Count; i++)
        {
            var variant = spec.Variants[i];
            var attribute = attributes[i];
            var cancellationToken = report.CancellationToken;
            if (variant.KeepRatio is null or 1 && variant.Sparsity is null && variant.Weights is null or Precision.Float32 && variant.Rank is null)
            {
                report.Report(DiagnosticDescriptors.VariantChangesNothing, Syntax.Location(attribute, cancellationToken), variant.Name);
                continue;
            }

            if (variant.KeepRatio is { } keep && keep < 1 && WidthScaling.FirstEmptied(spec, keep) is { } emptied)
            {
                report.Report(
                    DiagnosticDescriptors.PruningEmptiesLayer,
                    Syntax.Named(attribute, "KeepChannels", cancellationToken),
                    keep.ToString("R", CultureInfo.InvariantCulture),
                    variant.Name,
                    emptied.Layer,
                    emptied.Width.ToString(CultureInfo.InvariantCulture));
            }

            if (variant.Sparsity is { } pattern && Sparsity.Parse(pattern, out _, out var m) is null)
            {
                foreach (var layer in Sparsity.Eligible(shapes))
                {
                    var reduction = Sparsity.ReductionOf(layer);
                    if (reduction % m != 0)
                    {
                        report.Report(
                            DiagnosticDescriptors.SparsityNotDividing,
                            Syntax.Named(attribute, "Sparsity", cancellationToken),
                            pattern,
                            variant.Name,
                            m.ToString(CultureInfo.InvariantCulture),
                            reduction.ToString(CultureInfo.InvariantCulture),
                            layer.Path);
                        break;
                    }
                }
            }

            if (variant.Rank is { } rank and > 0 && LowRank.FirstCostlier(shapes, rank) is { } costlier)
            {
                report.Report(
                    DiagnosticDescriptors.RankTooLarge,
                    Syntax.Named(attribute, "Rank", cancellationToken),
                    rank.ToString(CultureInfo.InvariantCulture),
                    variant.Name,
                    costlier.Layer.Path,
                    costlier.Factored.ToString("N0", CultureInfo.InvariantCulture),
                    costlier.Dense.ToString("N0", CultureInfo.InvariantCulture));
            }
        }
    }
}
