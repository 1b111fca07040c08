using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelDsl.Generators;
using ModelDsl.Spec;

namespace ModelDsl.Analyzers;

// The 3xxx family on the inferred model: what needs shapes (divisibility, ranks, emptied layers). Argument values are
// judged by the parser (VariantParser).
internal static class VariantChecks
{
    public static IEnumerable<AttributeData> Attributes(INamedTypeSymbol type) =>
        type.GetAttributes().Where(a => Symbols.Is(a.AttributeClass, "VariantAttribute"));

    /// <summary>Checks the parsed variants (in declaration order, as the parser lists them) against the inferred model.</summary>
    public static void Compression(INamedTypeSymbol type, ModelSpec spec, ShapeResult shapes, Reporter report)
    {
        var attributes = Attributes(type).ToList();
        for (var i = 0; i < spec.Variants.Count && i < attributes.Count; i++)
        {
            var variant = spec.Variants[i];
            var attribute = attributes[i];
            var cancellationToken = report.CancellationToken;
            if (variant.KeepRatio is null or 1 && variant.Sparsity is null && variant.Weights is null or Spec.Precision.Float32 && variant.Rank is null && !variant.FitBudget && variant.KeepLayers is null && variant.Prune is null)
            {
                report.Report(DiagnosticDescriptors.VariantChangesNothing, Syntax.Location(attribute, cancellationToken), variant.Name);
                continue;
            }

            if (!LayerWidths.Applies(variant) && WidthScaling.Prunes(spec, variant, out var ratio) &&
                ChannelPlan.Of(shapes, Shapes.Infer(WidthScaling.Apply(spec, ratio))).Unsupported is { } why)
            {
                // The same plan the generator writes FromDense from: where it cannot cut the weights, say so in the build.
                report.Report(DiagnosticDescriptors.VariantNotBuildableFromDense, Syntax.Named(attribute, "KeepChannels", cancellationToken), variant.Name, why);
            }

            if (LayerWidths.UnknownLayers(spec, variant) is { } unknown)
            {
                report.Report(DiagnosticDescriptors.InvalidLayerWidths, Syntax.Named(attribute, "KeepLayers", cancellationToken), variant.Name, unknown);
            }
            else if (VariantRewrite.NotGenerated(variant) is null && LayerWidths.Of(spec, variant) is { } widths)
            {
                var location = Syntax.Named(attribute, variant.KeepLayers is not null ? "KeepLayers" : "RoundTo", cancellationToken);
                var sites = WidthScaling.Sites(spec);
                var chosen = string.Join(", ", sites.Select((site, i) => site.Layer + " " + widths[i].ToString(CultureInfo.InvariantCulture) + " of " + site.Width.ToString(CultureInfo.InvariantCulture)));
                if (LayerWidths.NotTheSameNetwork(spec, widths) is { } different)
                {
                    report.Report(DiagnosticDescriptors.LayerWidthsChangeTheNetwork, location, variant.Name, chosen, different);
                }
                else if (VariantRewrite.Of(spec, variant) is { Prunes: true } perLayer && ChannelPlan.Of(shapes, perLayer.Shapes).Unsupported is { } cannot)
                {
                    report.Report(DiagnosticDescriptors.VariantNotBuildableFromDense, location, variant.Name, cannot);
                }
            }

            if (variant.FitBudget && VariantRewrite.NotGenerated(variant) is null)
            {
                var location = Syntax.Named(attribute, "FitBudget", cancellationToken);
                var own = variant.Budget is not null;
                var nothing = variant.FittedBudget(spec.Budget) is not { } budget ? "neither it nor the model declares a budget (MaxMFlops, … on the variant, or [FlopBudget] or [ParameterBudget] on the model) to fit"
                    : BudgetSolver.Fits(spec, budget) ? (own ? "the dense model already meets the variant's budget" : "the model already meets its budget")
                    : BudgetSolver.KeepRatio(spec, budget) is null ? "no widths meet the budget: what pruning cannot shrink (the input and output layers, the norms' and heads' fixed parts) is over it already"
                    : null;
                if (nothing is not null)
                {
                    report.Report(DiagnosticDescriptors.NothingToFit, location, variant.Name, nothing);
                }
                else if (VariantRewrite.Of(spec, variant) is { } fitted && ChannelPlan.Of(shapes, fitted.Shapes).Unsupported is { } cannot)
                {
                    report.Report(DiagnosticDescriptors.VariantNotBuildableFromDense, location, variant.Name, cannot);
                }
            }

            if (variant.KeepRatio is { } keep && keep < 1 && !LayerWidths.Applies(variant) && WidthScaling.FirstEmptied(spec, keep) is { } emptied)
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

            if (VariantRewrite.NotGenerated(variant) is { } notGenerated)
            {
                var at = variant.FitBudget ? "FitBudget" : variant.Rank is not null ? "Rank" : variant.Sparsity is not null ? "Sparsity" : "Prune";
                report.Report(DiagnosticDescriptors.VariantNotGenerated, Syntax.Named(attribute, at, cancellationToken), variant.Name, notGenerated);
            }
            else if (SparseFormat.NotGenerated(shapes, variant) is { } sparseNotGenerated)
            {
                report.Report(DiagnosticDescriptors.VariantNotGenerated, Syntax.Named(attribute, variant.Sparsity is not null ? "Sparsity" : "Prune", cancellationToken), variant.Name, sparseNotGenerated);
            }

            PruneOptions(attribute, shapes, variant, report);

            if (variant.Budget is { } limits && VariantRewrite.Of(spec, variant) is { Cost: { Succeeded: true } cost })
            {
                foreach (var violation in Budgets.Check(limits, cost.Total))
                {
                    report.Report(
                        DiagnosticDescriptors.VariantOverBudget,
                        Syntax.Named(attribute, violation.Budget, cancellationToken),
                        variant.Name,
                        type.Name + variant.Name,
                        BudgetChecks.Describe(violation),
                        Format.Percent(violation.Actual, violation.Limit));
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

    // GlobalRanking and MinKeep: where they do nothing (MDSL3013), and a MinKeep that leaves the global ranking too few
    // weights to prune (MDSL3014, counted as MagnitudePruning.Global counts at run time).
    private static void PruneOptions(AttributeData attribute, ShapeResult shapes, VariantSpec variant, Reporter report)
    {
        var cancellationToken = report.CancellationToken;
        if (variant.Prune is null)
        {
            foreach (var option in new[] { "GlobalRanking", "MinKeep" })
            {
                if (attribute.NamedArguments.Any(a => a.Key == option))
                {
                    report.Report(DiagnosticDescriptors.PruneOptionIgnored, Syntax.Named(attribute, option, cancellationToken), option, variant.Name, "it applies to unstructured pruning; set Prune");
                }
            }

            return;
        }

        if (variant.MinKeep is { } minKeep && !variant.GlobalRanking)
        {
            report.Report(DiagnosticDescriptors.PruneOptionIgnored, Syntax.Named(attribute, "MinKeep", cancellationToken), "MinKeep", variant.Name, "layer-by-layer pruning keeps 1 - Prune of every layer; MinKeep applies with GlobalRanking = true");
            return;
        }

        if (variant.GlobalRanking && variant.Prune is { } prune && prune > 0 && prune < 1 && (variant.MinKeep ?? SparseFormat.DefaultMinKeep) is var keep && keep >= 0 && keep < 1)
        {
            var (target, allowed) = SparseFormat.GlobalLimit(shapes, prune, keep);
            if (target > allowed)
            {
                var location = variant.MinKeep is null ? Syntax.Named(attribute, "Prune", cancellationToken) : Syntax.Named(attribute, "MinKeep", cancellationToken);
                report.Report(
                    DiagnosticDescriptors.MinKeepBlocksPrune,
                    location,
                    variant.Name,
                    target.ToString("N0", CultureInfo.InvariantCulture),
                    prune.ToString("R", CultureInfo.InvariantCulture),
                    keep.ToString("R", CultureInfo.InvariantCulture),
                    allowed.ToString("N0", CultureInfo.InvariantCulture));
            }
        }
    }
}
