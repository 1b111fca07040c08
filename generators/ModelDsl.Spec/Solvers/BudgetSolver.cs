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
    /// (the earlier site on a tie) wherever the model still fits — until no width can grow by one channel and fit. Widths
    /// that must stay equal (a stem and the identity-added blocks after it) grow together: where one alone does not
    /// infer, the widths with its dense and current size grow as one. So the result is never over the budget, within one
    /// channel of a width (or of such a group) of it, and the same for the same model. One width per
    /// <see cref="WidthScaling.Sites"/>; null when no width fits.
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
        var structure = Structure(Shapes.Infer(spec));
        while (true)
        {
            var grown = false;
            var order = Enumerable.Range(0, sites.Count)
                .Where(i => widths[i] < sites[i].Width)
                .OrderBy(i => (double)widths[i] / sites[i].Width)
                .ThenBy(i => i);
            foreach (var i in order)
            {
                if (Grow(spec, budget, structure, widths, new[] { i }) is { } alone)
                {
                    grown = alone;
                }
                else
                {
                    var tied = Tied(sites, widths, i);
                    grown = tied.Length > 1 && Grow(spec, budget, structure, widths, tied) == true;
                }

                if (grown)
                {
                    break;
                }
            }

            if (!grown)
            {
                return widths;
            }
        }
    }

    /// <summary>The sites tied to <paramref name="site"/> for growing: those with its dense and current width (itself included).</summary>
    /// <param name="spec">The dense model.</param>
    /// <param name="widths">Current widths, one per site.</param>
    /// <param name="site">A site.</param>
    public static int[] Tied(ModelSpec spec, IReadOnlyList<long> widths, int site) => Tied(WidthScaling.Sites(spec), widths, site);

    private static int[] Tied(IReadOnlyList<(string Layer, long Width)> sites, IReadOnlyList<long> widths, int site) =>
        Enumerable.Range(0, sites.Count).Where(j => widths[j] == widths[site] && sites[j].Width == sites[site].Width).ToArray();

    // Grows the widths of `sites` by one channel each and keeps it where the model still fits: true (kept), false (infers
    // but over the budget: undone), null (does not infer, or infers as another network — a residual that would now need
    // a projection the dense model has not — undone).
    private static bool? Grow(ModelSpec spec, BudgetSpec budget, string structure, long[] widths, int[] sites)
    {
        foreach (var i in sites)
        {
            widths[i]++;
        }

        var shapes = Shapes.Infer(WidthScaling.Apply(spec, widths));
        var cost = shapes.Error is null ? Cost.Of(shapes) : null;
        var same = cost is { Succeeded: true } && Structure(shapes) == structure;
        if (same && Budgets.Check(budget, cost!.Total).Count == 0)
        {
            return true;
        }

        foreach (var i in sites)
        {
            widths[i]--;
        }

        return same ? false : null;
    }

    /// <summary>
    /// True when <paramref name="widths"/> (one per <see cref="WidthScaling.Sites"/>) make a model that infers, is the
    /// dense network with narrower layers (the same layers at the same paths) and meets <paramref name="budget"/>: what
    /// <see cref="Widths"/> accepts.
    /// </summary>
    /// <param name="spec">The dense model.</param>
    /// <param name="budget">The limits.</param>
    /// <param name="widths">The widths to judge.</param>
    public static bool Accepts(ModelSpec spec, BudgetSpec budget, IReadOnlyList<long> widths) =>
        Grow(spec, budget, Structure(Shapes.Infer(spec)), widths.ToArray(), Array.Empty<int>()) == true;

    // The network's layers by path and kind: what a pruned variant must keep for FromDense to map it onto the dense one.
    private static string Structure(ShapeResult shapes) =>
        string.Join(";", shapes.Layers.Select(l => l.Path + ":" + l.Kind.ToString()));

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
