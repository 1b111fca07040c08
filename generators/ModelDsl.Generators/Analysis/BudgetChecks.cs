using System.Globalization;
using Microsoft.CodeAnalysis;
using ModelDsl.Generators;
using ModelDsl.Spec;

namespace ModelDsl.Analyzers;

// The 2xxx family. Each exceeded limit is reported on its argument with the total and the overshoot: with the top
// three layers and what to declare (MDSL2001–2004) when no variant class meets the budget — a build log has no code
// fix, so the message names the variant that fits itself — or with the variant classes that do and their cost
// (MDSL2009): the dense model is still over it, and the build says which class ships within it.
internal static class BudgetChecks
{
    public static void Run(INamedTypeSymbol type, ModelSpec spec, CostReport cost, BudgetSpec budget, Reporter report)
    {
        var violations = Budgets.Check(budget, cost.Total);
        if (violations.Count == 0)
        {
            return;
        }

        var within = spec.Variants
            .Select(v => (Class: type.Name + v.Name, VariantRewrite.Of(spec, v)?.Cost))
            .Where(v => v.Cost is { Succeeded: true } c && Budgets.Check(budget, c.Total).Count == 0)
            .Select(v => (v.Class, Total: v.Cost!.Total))
            .ToList();
        foreach (var violation in violations)
        {
            var (descriptor, attributeName, measure, unit) = violation.Budget switch
            {
                nameof(BudgetSpec.MaxMFlops) => (DiagnosticDescriptors.OverFlopBudget, "FlopBudgetAttribute", new Measure(l => l.Flops, t => t.Flops), " MFLOPs"),
                nameof(BudgetSpec.MaxMMacs) => (DiagnosticDescriptors.OverMacBudget, "FlopBudgetAttribute", new Measure(l => l.Macs, t => t.Macs), " MMACs"),
                nameof(BudgetSpec.MaxParams) => (DiagnosticDescriptors.OverParameterBudget, "ParameterBudgetAttribute", new Measure(l => l.Parameters, t => t.Parameters), " parameters"),
                _ => (DiagnosticDescriptors.OverWeightBudget, "ParameterBudgetAttribute", new Measure(l => l.WeightBytes, t => t.WeightBytes), " bytes"),
            };
            var millions = unit.StartsWith(" M", StringComparison.Ordinal);
            string Figure(long value) => (millions ? Format.Millions(value) : Format.Number(value)) + unit;
            var attribute = Symbols.Find(type, attributeName);
            var location = attribute is null ? Syntax.ClassName(type, report.CancellationToken) : Syntax.Named(attribute, violation.Budget, report.CancellationToken);
            if (within.Count > 0)
            {
                // Each class's figure in the budget's unit, its share of the limit, and its MACs (what every model is compared by).
                var limit = millions ? violation.Limit * 1e6 : violation.Limit;
                var variants = string.Join(", ", within.Select(v =>
                    v.Class + " (" + Figure(measure.Total(v.Total)) + ", " + (measure.Total(v.Total) / limit * 100).ToString("0.0", CultureInfo.InvariantCulture) +
                    "% of the budget; " + Format.Number(v.Total.Macs) + " MACs)"));
                report.Report(
                    DiagnosticDescriptors.OverBudgetMetByVariant,
                    location,
                    type.Name,
                    Format.Number(violation.Actual) + unit,
                    Format.Number(violation.Limit) + unit,
                    Format.Percent(violation.Actual, violation.Limit),
                    variants);
                continue;
            }

            var top = cost.Layers.OrderByDescending(measure.Layer).ThenBy(l => l.Path, StringComparer.Ordinal).Take(3);
            report.Report(
                descriptor,
                location,
                type.Name,
                Format.Number(violation.Actual),
                Format.Number(violation.Limit),
                Format.Percent(violation.Actual, violation.Limit),
                string.Join(", ", top.Select(l => l.Path + " (" + Figure(measure.Layer(l)) + ")")),
                Remedy);
        }
    }

    /// <summary>
    /// "needs 1,184 MACs, over its MaxMMacs = 0.001 (1,000 MACs)": a variant's exact figure against one of its own limits,
    /// in whole units, since a small variant's millions round to the limit itself.
    /// </summary>
    public static string Describe(BudgetViolation violation)
    {
        var declared = violation.Budget + " = " + violation.Limit.ToString("R", CultureInfo.InvariantCulture);
        return violation.Budget switch
        {
            nameof(BudgetSpec.MaxMFlops) => "needs " + Format.Number(Math.Round(violation.Actual * 1e6)) + " FLOPs, over its " + declared + " (" + Format.Number(Math.Round(violation.Limit * 1e6)) + " FLOPs)",
            nameof(BudgetSpec.MaxMMacs) => "needs " + Format.Number(Math.Round(violation.Actual * 1e6)) + " MACs, over its " + declared + " (" + Format.Number(Math.Round(violation.Limit * 1e6)) + " MACs)",
            nameof(BudgetSpec.MaxParams) => "has " + Format.Number(violation.Actual) + " parameters, over its " + declared,
            _ => "stores " + Format.Number(violation.Actual) + " weight bytes, over its " + declared,
        };
    }

    // What a build log can act on without the IDE's code fix: a variant the generator fits to the budget itself (the
    // solver runs once, in the generator, not on every analysis), or the fix's uniform ratio.
    private const string Remedy = "[Variant(\"Fit\", FitBudget = true)] adds a variant with per-layer widths fitted to the budget (or apply the code fix for one KeepChannels ratio)";

    // What a budget limits, read from a layer's row and from a model's totals.
    private sealed record Measure(Func<LayerCost, long> Layer, Func<CostTotals, long> Total);
}
