using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelDsl.Analyzers;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// [Variant("Slim", KeepChannels = 0.5)] …: what can be judged without shapes (names, ratios, patterns, precisions);
// what needs shapes (divisibility, ranks, emptied layers) is judged on the inferred model.
internal static class VariantParser
{
    // Where the user's source already declares a type of the variant class's name beside the model: the generated
    // (sealed) class would be a second type of that name — CS0101 in the generated file, after which the build runs no
    // analyzer. The analyzers' compilation holds the generated class itself; its file is told by its header.
    private static string? Taken(INamedTypeSymbol model, string className, CancellationToken cancellationToken)
    {
        var siblings = model.ContainingType is { } outer ? outer.GetTypeMembers(className, 0) : model.ContainingNamespace.GetTypeMembers(className, 0);
        foreach (var reference in siblings.SelectMany(t => t.DeclaringSyntaxReferences))
        {
            var text = reference.SyntaxTree.GetText(cancellationToken);
            if (text.Lines.Count > 1 && text.Lines[1].ToString().StartsWith(FileHeader.Marker, StringComparison.Ordinal))
            {
                continue;
            }

            var span = reference.SyntaxTree.GetLineSpan(reference.Span, cancellationToken);
            var (file, line) = (System.IO.Path.GetFileName(span.Path), (span.StartLinePosition.Line + 1).ToString(CultureInfo.InvariantCulture));
            return file.Length > 0 ? file + "(" + line + ")" : "line " + line;
        }

        return null;
    }

    public static List<VariantSpec> Parse(INamedTypeSymbol type, DiagnosticBag report)
    {
        var cancellationToken = report.CancellationToken;
        var variants = new List<VariantSpec>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var attribute in type.GetAttributes().Where(a => Symbols.Is(a.AttributeClass, "VariantAttribute")))
        {
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
            else if (Taken(type, type.Name + name, cancellationToken) is { } where)
            {
                report.Report(
                    DiagnosticDescriptors.MalformedArgument,
                    Syntax.Positional(attribute, 0, cancellationToken),
                    "name",
                    "Variant",
                    "the variant's class '" + type.Name + name + "' is already declared at " + where + "; rename the variant or that type");
            }

            var variant = new VariantSpec(name ?? "?");
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
                            report.Report(DiagnosticDescriptors.KeepRatioOutOfRange, location, keep.ToString("R", CultureInfo.InvariantCulture), variant.Name);
                        }

                        variant = variant with { KeepRatio = keep };
                        break;
                    case "KeepHeads" or "KeepHidden" when ConstantText.Real(named.Value) is { } fraction:
                        if (!(fraction > 0 && fraction <= 1))
                        {
                            report.Report(DiagnosticDescriptors.KeepFractionOutOfRange, location, named.Key, fraction.ToString("R", CultureInfo.InvariantCulture), variant.Name);
                        }

                        variant = named.Key == "KeepHeads" ? variant with { KeepHeads = fraction } : variant with { KeepHidden = fraction };
                        break;
                    case "Sparsity" when named.Value.Value is string pattern:
                        if (Sparsity.Parse(pattern, out _, out _) is { } problem)
                        {
                            report.Report(DiagnosticDescriptors.InvalidSparsity, location, pattern, variant.Name, problem);
                        }

                        variant = variant with { Sparsity = pattern };
                        break;
                    case "Weights" when named.Value.Value is int precision:
                        if (ToSpec((Precision)precision) is { } weights)
                        {
                            variant = variant with { Weights = weights };
                        }
                        else
                        {
                            report.Report(DiagnosticDescriptors.UnsupportedPrecision, location, "(Precision)" + precision.ToString(CultureInfo.InvariantCulture), variant.Name);
                        }

                        break;
                    case "Rank" when named.Value.Value is int rank:
                        if (rank <= 0)
                        {
                            report.Report(DiagnosticDescriptors.MalformedArgument, location, named.Key, "Variant", "a rank is a positive integer, got " + rank.ToString(CultureInfo.InvariantCulture));
                        }

                        variant = variant with { Rank = rank };
                        break;
                    case "FitBudget" when named.Value.Value is bool fit:
                        variant = variant with { FitBudget = fit };
                        break;
                    case "Prune" when ConstantText.Real(named.Value) is { } prune:
                        if (!(prune > 0 && prune < 1))
                        {
                            report.Report(DiagnosticDescriptors.PruneOutOfRange, location, prune.ToString("R", CultureInfo.InvariantCulture), variant.Name);
                        }

                        variant = variant with { Prune = prune };
                        break;
                    case "GlobalRanking" when named.Value.Value is bool global:
                        variant = variant with { GlobalRanking = global };
                        break;
                    case "MinKeep" when ConstantText.Real(named.Value) is { } minKeep:
                        if (!(minKeep >= 0 && minKeep < 1))
                        {
                            report.Report(DiagnosticDescriptors.MinKeepOutOfRange, location, minKeep.ToString("R", CultureInfo.InvariantCulture), variant.Name);
                        }

                        variant = variant with { MinKeep = minKeep };
                        break;
                    case "KeepLayers" when named.Value.Value is string layers:
                        if (LayerWidths.Parse(layers, out _) is { } malformed)
                        {
                            report.Report(DiagnosticDescriptors.InvalidLayerWidths, location, variant.Name, malformed);
                        }

                        variant = variant with { KeepLayers = layers };
                        break;
                    case "RoundTo" when named.Value.Value is int multiple:
                        if (multiple < 0)
                        {
                            report.Report(DiagnosticDescriptors.MalformedArgument, location, named.Key, "Variant", "widths round to a positive multiple (0 or 1: to the nearest channel), got " + multiple.ToString(CultureInfo.InvariantCulture));
                        }

                        variant = variant with { RoundTo = multiple };
                        break;
                    case var limit when BudgetParser.IsLimit(limit):
                        var own = BudgetParser.With(variant.Budget ?? BudgetSpec.None, attribute, named, "Variant", report);
                        variant = variant with { Budget = own == BudgetSpec.None ? variant.Budget : own };
                        break;
                    default:
                        report.Report(DiagnosticDescriptors.MalformedArgument, location, named.Key, "Variant", "unexpected value " + named.Value.ToCSharpString());
                        break;
                }
            }

            variants.Add(variant);
        }

        return variants;
    }

    // The spec's precisions, by the attribute enum's names.
    private static Spec.Precision? ToSpec(Precision precision) => precision switch
    {
        Precision.Float32 => Spec.Precision.Float32,
        Precision.Int8 => Spec.Precision.Int8,
        Precision.Int4 => Spec.Precision.Int4,
        _ => null,
    };
}
