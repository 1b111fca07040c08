namespace ModelDsl.Spec;

/// <summary>Checks declared budgets against a cost report.</summary>
public static class Budgets
{
    /// <summary>Every budget in <paramref name="budget"/> that <paramref name="total"/> exceeds, in declaration order.</summary>
    /// <param name="budget">Declared limits.</param>
    /// <param name="total">The model's totals.</param>
    public static EquatableArray<BudgetViolation> Check(BudgetSpec budget, CostTotals total)
    {
        var violations = new List<BudgetViolation>();

        // Millions are 10^6 exactly (not 2^20): MFLOPs and MMACs are decimal units.
        if (budget.MaxMFlops is { } maxMFlops && total.Flops / 1e6 > maxMFlops)
        {
            violations.Add(new BudgetViolation(nameof(BudgetSpec.MaxMFlops), maxMFlops, total.Flops / 1e6));
        }

        if (budget.MaxMMacs is { } maxMMacs && total.Macs / 1e6 > maxMMacs)
        {
            violations.Add(new BudgetViolation(nameof(BudgetSpec.MaxMMacs), maxMMacs, total.Macs / 1e6));
        }

        if (budget.MaxParams is { } maxParams && total.Parameters > maxParams)
        {
            violations.Add(new BudgetViolation(nameof(BudgetSpec.MaxParams), maxParams, total.Parameters));
        }

        if (budget.MaxWeightBytes is { } maxBytes && total.WeightBytes > maxBytes)
        {
            violations.Add(new BudgetViolation(nameof(BudgetSpec.MaxWeightBytes), maxBytes, total.WeightBytes));
        }

        return violations.ToEquatableArray();
    }
}
