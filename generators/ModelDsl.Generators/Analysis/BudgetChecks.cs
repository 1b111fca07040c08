using System.Globalization;
using Microsoft.CodeAnalysis;
using ModelDsl.Generators;
using ModelDsl.Spec;

namespace ModelDsl.Analyzers;

// The 2xxx family. A budget is met by the model or by one of its variant classes (the class that ships);
// otherwise each exceeded limit is reported on its argument with the total, the overshoot and the top three layers.
internal static class BudgetChecks
{
    public static void Run(INamedTypeSymbol type, ModelSpec spec, CostReport cost, BudgetSpec budget, Reporter report)
    {
        var violations = Budgets.Check(budget, cost.Total);
        if (violations.Count == 0 || spec.Variants.Any(v => MeetsBudget(spec, v, budget)))
        {
            return;
        }

        foreach (var violation in violations)
        {
            var (descriptor, attributeName, top, unit) = violation.Budget switch
            {
                nameof(BudgetSpec.MaxMFlops) => (DiagnosticDescriptors.OverFlopBudget, "FlopBudgetAttribute", Top(cost, l => l.Flops), " MFLOPs"),
                nameof(BudgetSpec.MaxMMacs) => (DiagnosticDescriptors.OverMacBudget, "FlopBudgetAttribute", Top(cost, l => l.Macs), " MMACs"),
                nameof(BudgetSpec.MaxParams) => (DiagnosticDescriptors.OverParameterBudget, "ParameterBudgetAttribute", Top(cost, l => l.Parameters), " parameters"),
                _ => (DiagnosticDescriptors.OverWeightBudget, "ParameterBudgetAttribute", Top(cost, l => l.WeightBytes), " bytes"),
            };
            var millions = unit.StartsWith(" M", StringComparison.Ordinal);
            var layers = string.Join(", ", top.Select(t => t.Path + " (" + (millions ? Format.Millions(t.Value) : Format.Number(t.Value)) + unit + ")"));
            var attribute = Symbols.Find(type, attributeName);
            report.Report(
                descriptor,
                attribute is null ? Syntax.ClassName(type, report.CancellationToken) : Syntax.Named(attribute, violation.Budget, report.CancellationToken),
                type.Name,
                Format.Number(violation.Actual),
                Format.Number(violation.Limit),
                Format.Percent(violation.Actual, violation.Limit),
                layers);
        }
    }

    /// <summary>True when <paramref name="variant"/> becomes a class (VariantRewrite: pruned, quantised or factored) whose cost meets every limit.</summary>
    public static bool MeetsBudget(ModelSpec spec, VariantSpec variant, BudgetSpec budget) =>
        VariantRewrite.Of(spec, variant) is { Cost: { Succeeded: true } cost } && Budgets.Check(budget, cost.Total).Count == 0;

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

    private static IEnumerable<(string Path, long Value)> Top(CostReport cost, Func<LayerCost, long> measure) =>
        cost.Layers.OrderByDescending(measure).ThenBy(l => l.Path, StringComparer.Ordinal).Take(3).Select(l => (l.Path, measure(l)));
}
