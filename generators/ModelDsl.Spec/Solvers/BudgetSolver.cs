namespace ModelDsl.Spec;

/// <summary>
/// Finds the structured-pruning keep ratio that fits a model into its budget: the largest ratio, in steps of
/// 1/<see cref="Resolution"/>, at which the uniformly width-scaled model (<see cref="WidthScaling"/>) infers, keeps a
/// channel in every layer and meets every limit by <see cref="Cost.Of(ModelSpec, CostOptions?)"/>. A binary search,
/// so the same model always gets the same answer, and one printed with three decimals reads back exactly.
/// </summary>
public static class BudgetSolver
{
    /// <summary>Keep ratios are multiples of 1 / 1000.</summary>
    public const int Resolution = 1000;

    /// <summary>The largest keep ratio at which <paramref name="spec"/> meets <paramref name="budget"/>, or null when none does.</summary>
    /// <param name="spec">The dense model.</param>
    /// <param name="budget">The limits to meet.</param>
    public static double? KeepRatio(ModelSpec spec, BudgetSpec budget)
    {
        if (Fits(spec, budget, Resolution))
        {
            return 1.0;
        }

        // Cost grows with the keep ratio (up to rounding), so the fitting ratios are a prefix: find its end.
        int fits = 0, fails = Resolution;
        while (fails - fits > 1)
        {
            var middle = fits + ((fails - fits) / 2);
            if (Fits(spec, budget, middle))
            {
                fits = middle;
            }
            else
            {
                fails = middle;
            }
        }

        return fits == 0 ? null : (double)fits / Resolution;
    }

    /// <summary>
    /// Per-layer widths under <paramref name="budget"/>: the largest uniform keep ratio that fits (<see cref="KeepRatio"/>),
    /// then, one channel at a time, a channel given back to the width that has kept the smallest share of its dense size
    /// (the earlier site on a tie) wherever the model still fits — until no width can grow by one channel and fit. So the
    /// result is never over the budget, within one channel of a width of it, and the same for the same model. One width
    /// per <see cref="WidthScaling.Sites"/>; null when no width fits.
    /// </summary>
    /// <param name="spec">The dense model.</param>
    /// <param name="budget">The limits to meet.</param>
    public static IReadOnlyList<long>? Widths(ModelSpec spec, BudgetSpec budget)
    {
        var sites = WidthScaling.Sites(spec);
        if (KeepRatio(spec, budget) is not { } keep)
        {
            return null;
        }

        var widths = sites.Select(s => WidthScaling.Scale(s.Width, keep)).ToArray();
        while (true)
        {
            var grown = false;
            var order = Enumerable.Range(0, sites.Count)
                .Where(i => widths[i] < sites[i].Width)
                .OrderBy(i => (double)widths[i] / sites[i].Width)
                .ThenBy(i => i);
            foreach (var i in order)
            {
                widths[i]++;
                if (Fits(WidthScaling.Apply(spec, widths), budget))
                {
                    grown = true;
                    break;
                }

                widths[i]--;
            }

            if (!grown)
            {
                return widths;
            }
        }
    }

    /// <summary>True when <paramref name="spec"/> (already rewritten) infers and meets <paramref name="budget"/>.</summary>
    /// <param name="spec">A model.</param>
    /// <param name="budget">The limits.</param>
    public static bool Fits(ModelSpec spec, BudgetSpec budget)
    {
        var cost = Cost.Of(spec);
        return cost.Succeeded && Budgets.Check(budget, cost.Total).Count == 0;
    }

    /// <summary>True when <paramref name="spec"/> scaled by <paramref name="steps"/> / <see cref="Resolution"/> meets <paramref name="budget"/>.</summary>
    /// <param name="spec">The dense model.</param>
    /// <param name="budget">The limits.</param>
    /// <param name="steps">The keep ratio in thousandths.</param>
    public static bool Fits(ModelSpec spec, BudgetSpec budget, int steps)
    {
        var keep = (double)steps / Resolution;
        if (WidthScaling.FirstEmptied(spec, keep) is not null)
        {
            return false;
        }

        var cost = Cost.Of(WidthScaling.Apply(spec, keep));
        return cost.Succeeded && Budgets.Check(budget, cost.Total).Count == 0;
    }
}
