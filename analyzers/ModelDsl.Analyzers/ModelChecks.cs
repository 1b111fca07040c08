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

        VariantChecks.Compression(type, spec, shapes, report);
        if (spec.Budget is { } budget)
        {
            BudgetChecks.Run(type, spec, cost, budget, report);
        }
    }
}
