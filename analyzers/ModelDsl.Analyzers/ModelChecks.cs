using System.Globalization;
using Microsoft.CodeAnalysis;
using ModelDsl.Generators;
using ModelDsl.Spec;

namespace ModelDsl.Analyzers;

// The 1xxx, 2xxx and 3xxx families on a model the parser accepted: shapes by Shapes.Infer, costs by Cost.Of, budgets
// by Budgets.Check — the generator's own spec through the shared library, so the numbers are the emitted constants.
internal static class ModelChecks
{
    public static void Run(INamedTypeSymbol type, AttributeData model, ModelTarget target, Reporter report)
    {
        var spec = target.Spec;
        if (BlockCycles.HasCycle(spec))
        {
            return;
        }

        var shapes = Shapes.Infer(spec);
        if (shapes.Error is { } error)
        {
            ShapeDiagnostics.Report(type, model, error, report);
            return;
        }

        var cost = Cost.Of(shapes);
        var total = cost.Total;
        report.Report(
            DiagnosticDescriptors.ModelCost,
            Syntax.ClassName(type, report.CancellationToken),
            type.Name,
            Format.Millions(total.Flops),
            Format.Millions(total.Macs),
            total.Parameters.ToString("N0", CultureInfo.InvariantCulture),
            total.WeightBytes.ToString("N0", CultureInfo.InvariantCulture));

        // A structured-pruning variant is a model of its own size: its cost is shown on its [Variant].
        var variants = VariantChecks.Attributes(type).ToList();
        for (var i = 0; i < spec.Variants.Count && i < variants.Count; i++)
        {
            if (spec.Variants[i].KeepRatio is { } keep && keep is > 0 and < 1 && WidthScaling.FirstEmptied(spec, keep) is null &&
                Cost.Of(WidthScaling.Apply(spec, keep)) is { Succeeded: true, Total: var pruned })
            {
                report.Report(
                    DiagnosticDescriptors.ModelCost,
                    Syntax.Location(variants[i], report.CancellationToken),
                    type.Name + spec.Variants[i].Name,
                    Format.Millions(pruned.Flops),
                    Format.Millions(pruned.Macs),
                    pruned.Parameters.ToString("N0", CultureInfo.InvariantCulture),
                    pruned.WeightBytes.ToString("N0", CultureInfo.InvariantCulture));
            }
        }

        VariantChecks.Compression(type, spec, shapes, report);
        if (spec.Budget is { } budget)
        {
            BudgetChecks.Run(type, spec, cost, budget, report);
        }
    }
}
