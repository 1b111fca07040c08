using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Load-time FLOP-budget fit by a global importance ranking: from a trained dense model's weights, the least important
/// channels across all dependency groups are removed, one step at a time, each step costed exactly
/// (<see cref="PrunableStructure"/>'s cost, the compile-time cost convention's), until the model meets the budget.
/// </summary>
public static class BudgetFit
{
    /// <summary>
    /// Plans which channels a trained <paramref name="dense"/> model keeps under the given limits (each null = none; at
    /// least one). A step narrows one <see cref="PrunableWidth"/> by one channel (to the next multiple of
    /// <paramref name="roundTo"/>; further past a width <see cref="PrunableStructure.Allows"/> refuses, which would be another
    /// network), so every group it sets loses its multiple of that: each group's least important remaining channels by
    /// <paramref name="criterion"/>. Scores are normalised within their group (divided by the group's mean score,
    /// Torch-Pruning's <c>normalizer="mean"</c>), so groups of different sizes and scales compare; the step taken is the
    /// one of least normalised importance per cost saved (the saved MACs, FLOPs or parameters as a share of each limit,
    /// summed), so a cheap channel is not removed before an expensive one of the same importance. Ties go to the
    /// earlier width. The first step that meets every limit ends the plan: never over the budget, within one step of it,
    /// the same plan for the same weights.
    /// </summary>
    /// <param name="dense">The trained dense model (for <see cref="PruningCriterion.Taylor"/>, with gradients of a calibration batch).</param>
    /// <param name="structure">The model's generated <c>PrunableStructure</c>.</param>
    /// <param name="maxMFlops">Maximum FLOPs per sample, in millions (10^6), as <c>[FlopBudget(MaxMFlops)]</c>.</param>
    /// <param name="maxMMacs">Maximum MACs per sample, in millions.</param>
    /// <param name="maxParams">Maximum trainable parameters.</param>
    /// <param name="criterion">How channels are ranked within their group (as a pruned variant's <c>FromDense</c>).</param>
    /// <param name="minKeep">The fraction of every width kept at least, in [0, 1) (at least one channel).</param>
    /// <param name="roundTo">Narrowed widths are multiples of it (as <c>RoundTo</c>); 1 for any width.</param>
    /// <exception cref="ArgumentException">
    /// No limit, a limit not positive, minKeep outside [0, 1), roundTo below 1, or weights that cannot be ranked (see
    /// <see cref="Pruning.Select"/>), or a budget that cannot be met at the smallest widths allowed: the message names
    /// the budget and that smallest cost.
    /// </exception>
    public static BudgetPlan Plan(
        nn.Module dense,
        PrunableStructure structure,
        double? maxMFlops = null,
        double? maxMMacs = null,
        long? maxParams = null,
        PruningCriterion criterion = PruningCriterion.L1,
        double minKeep = 0,
        int roundTo = 1)
    {
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(structure);
        var limits = Limits(maxMFlops, maxMMacs, maxParams);
        if (!(minKeep >= 0 && minKeep < 1))
        {
            throw new ArgumentException($"minKeep is {Invariant(minKeep)}, not in [0, 1)", nameof(minKeep));
        }

        if (roundTo < 1)
        {
            throw new ArgumentException($"roundTo is {roundTo}, not at least 1", nameof(roundTo));
        }

        var widths = structure.Widths;
        var smallest = widths.Select(w => Smallest(w.Width, minKeep, roundTo)).ToArray();
        var floor = structure.Cost(smallest);
        if (Over(limits, floor))
        {
            throw new ArgumentException(
                $"the budget {Describe(limits)} cannot be met: at the smallest widths allowed (minKeep {Invariant(minKeep)}, roundTo {roundTo}) the model needs " +
                $"{Invariant(floor.Flops / 1e6)} MFLOPs, {Invariant(floor.Macs / 1e6)} MMACs and {floor.Parameters.ToString("N0", CultureInfo.InvariantCulture)} parameters",
                nameof(dense));
        }

        // Each group's channels from most to least important: a stable sort by descending score keeps equal scores in
        // index order, as Pruning.Select does, so the first k are exactly the k that Select (and FromDense) keeps.
        var weights = dense.state_dict();
        var order = new int[structure.Groups.Count][];
        var normalised = new double[structure.Groups.Count][];
        for (var g = 0; g < structure.Groups.Count; g++)
        {
            var scores = Pruning.Scores(weights, structure.Groups[g], criterion);
            order[g] = Enumerable.Range(0, scores.Length).OrderByDescending(c => scores[c]).ThenBy(c => c).ToArray();
            var mean = scores.Average();
            normalised[g] = scores.Select(s => mean > 0 ? s / mean : 0).ToArray();
        }

        var current = widths.Select(w => w.Width).ToArray();
        var steps = new List<int>();
        var cost = structure.Cost(current);
        while (Over(limits, cost))
        {
            int best = -1;
            double bestPriority = double.PositiveInfinity;
            WidthCostTotals bestCost = default;
            var bestWidth = 0;
            for (var u = 0; u < widths.Count; u++)
            {
                // The next narrower width that keeps the model the same network (a stride-1 projection's two sides
                // may not meet): one step, or more where the first would meet.
                var narrowed = (int[])current.Clone();
                var next = current[u];
                do
                {
                    next = Next(next, roundTo);
                    narrowed[u] = next;
                }
                while (next >= smallest[u] && !structure.Allows(narrowed));

                if (next < smallest[u])
                {
                    continue;
                }

                var after = structure.Cost(narrowed);
                var saved = Saved(limits, cost, after);
                if (saved <= 0)
                {
                    continue;
                }

                // The channels this step removes: positions m·next … m·current − 1 of each group's ranking (m its multiple).
                var importance = 0.0;
                for (var i = 0; i < widths[u].Groups.Count; i++)
                {
                    var (g, m) = (widths[u].Groups[i], widths[u].Multiples[i]);
                    for (var position = m * next; position < m * current[u]; position++)
                    {
                        importance += normalised[g][order[g][position]];
                    }
                }

                var priority = importance / saved;
                if (priority < bestPriority)
                {
                    (best, bestPriority, bestCost, bestWidth) = (u, priority, after, next);
                }
            }

            if (best < 0)
            {
                // Only where the smallest widths are not the same network (their projection's sides would meet), so the
                // smallest reachable cost is this one.
                throw new ArgumentException(
                    $"the budget {Describe(limits)} cannot be met: at the smallest widths it can reach (minKeep {Invariant(minKeep)}, roundTo {roundTo}) the model needs " +
                    $"{Invariant(cost.Flops / 1e6)} MFLOPs, {Invariant(cost.Macs / 1e6)} MMACs and {cost.Parameters.ToString("N0", CultureInfo.InvariantCulture)} parameters",
                    nameof(dense));
            }

            current[best] = bestWidth;
            cost = bestCost;
            steps.Add(best);
        }

        var kept = new long[structure.Groups.Count][];
        for (var u = 0; u < widths.Count; u++)
        {
            for (var i = 0; i < widths[u].Groups.Count; i++)
            {
                var g = widths[u].Groups[i];
                kept[g] = Pruning.Select(weights, structure.Groups[g] with { KeptSize = widths[u].Multiples[i] * current[u] }, criterion);
            }
        }

        for (var g = 0; g < kept.Length; g++)
        {
            kept[g] ??= Enumerable.Range(0, structure.Groups[g].DenseSize).Select(c => (long)c).ToArray();
        }

        return new BudgetPlan(structure, criterion, current, kept, [.. steps]);
    }

    private readonly record struct Limit(string Name, double Value, Func<WidthCostTotals, double> Figure);

    private static List<Limit> Limits(double? maxMFlops, double? maxMMacs, long? maxParams)
    {
        var limits = new List<Limit>();
        void Add(string name, double? value, Func<WidthCostTotals, double> figure)
        {
            if (value is not { } v)
            {
                return;
            }

            if (!(v > 0) || double.IsInfinity(v))
            {
                throw new ArgumentException($"{name} is {Invariant(v)}, not a positive number", name);
            }

            limits.Add(new Limit(name, v, figure));
        }

        // Millions are 10^6 exactly, and a figure over its limit is what the build's budget check calls over.
        Add("maxMFlops", maxMFlops, c => c.Flops / 1e6);
        Add("maxMMacs", maxMMacs, c => c.Macs / 1e6);
        Add("maxParams", maxParams, c => c.Parameters);
        if (limits.Count == 0)
        {
            throw new ArgumentException("give at least one limit: maxMFlops, maxMMacs or maxParams");
        }

        return limits;
    }

    private static bool Over(List<Limit> limits, WidthCostTotals cost) => limits.Any(l => l.Figure(cost) > l.Value);

    // The step's saving as shares of the limits, so MFLOPs, MMACs and parameters add up.
    private static double Saved(List<Limit> limits, WidthCostTotals before, WidthCostTotals after) =>
        limits.Sum(l => (l.Figure(before) - l.Figure(after)) / l.Value);

    private static string Describe(List<Limit> limits) => string.Join(", ", limits.Select(l => l.Name + " = " + Invariant(l.Value)));

    // The next narrower width: one channel less, or with rounding the next multiple of roundTo below.
    private static int Next(int width, int roundTo) => roundTo <= 1 ? width - 1 : (width - 1) / roundTo * roundTo;

    // The smallest width allowed: minKeep of the dense width (at least one channel), rounded up to a multiple of roundTo;
    // the dense width when no narrower multiple is allowed.
    private static int Smallest(int dense, double minKeep, int roundTo)
    {
        var least = Math.Max(1, (int)Math.Ceiling(minKeep * dense));
        if (roundTo > 1)
        {
            least = Math.Max(roundTo, (least + roundTo - 1) / roundTo * roundTo);
        }

        return Math.Min(dense, least);
    }

    private static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
