namespace ModelDsl.Spec;

/// <summary>
/// One width a load-time budget fit may narrow: width sites (<see cref="WidthScaling.Sites"/>) that move together — the
/// sites of one layer name (a <c>KeepLayers</c> ratio applies to all of them) and sites an identity add ties (a stem and
/// the stage after it) — and the dependency groups their width sets.
/// </summary>
/// <param name="Layers">The sites' layer names, distinct, in site order: what <c>KeepLayers</c> names.</param>
/// <param name="Sites">Indices into <see cref="WidthScaling.Sites"/>.</param>
/// <param name="Width">The dense width, the same for every site of the unit.</param>
/// <param name="Groups">Indices into <see cref="PrunableStructure.Groups"/> of the groups this width sets.</param>
/// <param name="Multiples">
/// For each of <paramref name="Groups"/>, its channels per channel of the width: a group of a block's <c>planes * 4</c>
/// outputs is 4 (its size is always that multiple of the width).
/// </param>
public sealed record WidthUnit(EquatableArray<string> Layers, EquatableArray<int> Sites, long Width, EquatableArray<int> Groups, EquatableArray<int> Multiples = default);

/// <summary>
/// One cost figure as an exact function of the channels removed from each unit, d (one entry per unit):
/// <c>Constant + Σ Linear[i]·d[i] + Σ_{i ≤ j} Quadratic[i, j]·d[i]·d[j]</c>, the upper triangle row by row. Every
/// convolution's and Linear's MACs and parameters are bilinear in its input and output widths and every element-wise
/// rule linear in one width, so a quadratic is the cost exactly.
/// </summary>
/// <param name="Constant">The dense model's figure.</param>
/// <param name="Linear">One coefficient per unit.</param>
/// <param name="Quadratic">n·(n + 1)/2 coefficients: (0,0), (0,1) … (0,n−1), (1,1) ….</param>
public sealed record WidthCost(long Constant, EquatableArray<long> Linear, EquatableArray<long> Quadratic)
{
    /// <summary>The figure with <paramref name="removed"/> channels taken from each unit.</summary>
    /// <param name="removed">Channels removed per unit.</param>
    public long Of(IReadOnlyList<long> removed) => WidthPolynomial.Evaluate(Constant, Linear, Quadratic, i => removed[i]);
}

/// <summary>
/// A residual whose input and output differ only in their channels: inference gives it a projection (or skips its
/// if-same add) because of that, so widths at which the two are equal make another network, which the cost and the
/// classes do not describe. Each side's channels are its dense count less <c>Loss[u]</c> per channel removed from unit u.
/// </summary>
/// <param name="Path">The residual's state-dict scope (<c>layer1.0</c>).</param>
/// <param name="Input">Its dense input channels.</param>
/// <param name="InputLoss">Input channels lost per channel removed from each unit.</param>
/// <param name="Output">Its dense output channels.</param>
/// <param name="OutputLoss">Output channels lost per channel removed from each unit.</param>
public sealed record WidthGuard(string Path, long Input, EquatableArray<long> InputLoss, long Output, EquatableArray<long> OutputLoss)
{
    /// <summary>True when <paramref name="removed"/> (channels per unit) keeps the input and output channels different.</summary>
    /// <param name="removed">Channels removed per unit.</param>
    public bool Holds(IReadOnlyList<long> removed) => WidthPolynomial.StayApart(Input, InputLoss, Output, OutputLoss, removed.Count, i => removed[i]);
}

/// <summary>
/// What a load-time FLOP-budget fit needs of a model, computed at compile time by the code that costs its variants: the
/// widths it may narrow (<see cref="Units"/>, each a set of width sites a generated <c>KeepLayers</c> variant can
/// express), the dependency groups of channels kept or removed together (<see cref="ChannelPlan"/>'s, every one of them
/// cut), how every tensor is cut by them, and the exact MACs, FLOPs and parameters as functions of the units' widths
/// (<see cref="WidthCost"/>, fitted to <see cref="Cost.Of(ShapeResult, CostOptions?)"/> and checked against it).
/// </summary>
/// <param name="Units">The narrowable widths, in site order.</param>
/// <param name="Groups">Every dependency group a unit sets, in the order of <see cref="ChannelPlan.Of"/>.</param>
/// <param name="Tensors">Every parameter a group cuts (buffers and tensors no group cuts are left out).</param>
/// <param name="Guards">Channel counts that must stay different for the model to stay the same network (<see cref="WidthGuard"/>).</param>
/// <param name="Macs">MACs per sample.</param>
/// <param name="Flops">FLOPs per sample.</param>
/// <param name="Parameters">Trainable parameters.</param>
public sealed record PrunableStructure(
    EquatableArray<WidthUnit> Units,
    EquatableArray<ChannelGroup> Groups,
    EquatableArray<TensorCopy> Tensors,
    EquatableArray<WidthGuard> Guards,
    WidthCost Macs,
    WidthCost Flops,
    WidthCost Parameters)
{
    /// <summary>Above this many units the quadratic's O(n²) probes are not spent at compile time.</summary>
    public const int MaxUnits = 24;

    /// <summary>Above this many width sites (each probed by an inference to find the units) no structure is computed.</summary>
    public const int MaxSites = 64;

    /// <summary>
    /// The structure of <paramref name="spec"/>, or null when it has nothing a load-time fit can narrow: no width site,
    /// more than <see cref="MaxSites"/> sites or <see cref="MaxUnits"/> units, a group FromDense cannot cut (a
    /// concatenation, attention, a custom layer), or a cost that is not the quadratic of its widths.
    /// </summary>
    /// <param name="spec">The dense model.</param>
    public static PrunableStructure? Of(ModelSpec spec)
    {
        // An optional part of the model's source: a figure beyond 64 bits at some probe costs the structure, not the class.
        try
        {
            return Compute(spec);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static PrunableStructure? Compute(ModelSpec spec)
    {
        var dense = Shapes.Infer(spec);
        var denseCost = dense.Error is null ? Cost.Of(dense) : null;
        if (denseCost is not { Succeeded: true })
        {
            return null;
        }

        var sites = WidthScaling.Sites(spec);
        if (sites.Count > MaxSites)
        {
            return null;
        }

        var units = FindUnits(spec, sites);
        if (units.Count == 0 || units.Count > MaxUnits)
        {
            return null;
        }

        long[] Widths(IReadOnlyList<long> removed)
        {
            var widths = sites.Select(s => s.Width).ToArray();
            for (var u = 0; u < units.Count; u++)
            {
                foreach (var site in units[u].Sites)
                {
                    widths[site] -= removed[u];
                }
            }

            return widths;
        }

        long[] One(int unit, long by = 1)
        {
            var removed = new long[units.Count];
            removed[unit] = by;
            return removed;
        }

        // Every unit narrowed by one channel: every group a unit sets is cut, so the plan lists all of them.
        var all = Enumerable.Repeat(1L, units.Count).ToArray();
        var plan = ChannelPlan.Of(dense, Shapes.Infer(WidthScaling.Apply(spec, Widths(all))));
        if (plan.Unsupported is not null || plan.Groups.Any(g => g.HeadDim > 0))
        {
            return null;
        }

        // Which unit sets each group: the groups a plan with that unit alone narrowed cuts, matched by their tensors.
        var owner = new int[plan.Groups.Count];
        for (var g = 0; g < owner.Length; g++)
        {
            owner[g] = -1;
        }

        // A group loses m channels per channel of its width (m = 4 for planes * 4) and is m times the width; checked
        // again two channels off, so the multiple is a proportion, not an offset.
        var withGroups = new List<WidthUnit>();
        var aloneShapes = new List<ShapeResult>();
        for (var u = 0; u < units.Count; u++)
        {
            aloneShapes.Add(Shapes.Infer(WidthScaling.Apply(spec, Widths(One(u)))));
            var alone = ChannelPlan.Of(dense, aloneShapes[u]);
            var twice = units[u].Width > 2 ? ChannelPlan.Of(dense, Shapes.Infer(WidthScaling.Apply(spec, Widths(One(u, 2))))) : alone;
            var groups = new List<int>();
            var multiples = new List<int>();
            foreach (var group in alone.Groups)
            {
                var g = IndexOf(plan.Groups, group);
                var multiple = group.DenseSize - group.KeptSize;
                if (alone.Unsupported is not null || twice.Unsupported is not null || g < 0 || owner[g] >= 0 || multiple < 1 ||
                    group.DenseSize != multiple * units[u].Width ||
                    (units[u].Width > 2 && (IndexOf(twice.Groups, group) is not (>= 0 and var t) || twice.Groups[t].KeptSize != group.DenseSize - (2 * multiple))))
                {
                    return null;
                }

                owner[g] = u;
                groups.Add(g);
                multiples.Add(multiple);
            }

            withGroups.Add(units[u] with { Groups = groups.ToEquatableArray(), Multiples = multiples.ToEquatableArray() });
        }

        if (owner.Any(o => o < 0))
        {
            return null;
        }

        // Residuals with a projection (or no add) only because their channels differ: the channels each unit takes from
        // either side, read off the one-unit probes (the same network, so the same residuals in the same order).
        var residuals = Residuals(dense.Roots).ToList();
        var probed = aloneShapes.Select(shapes => Residuals(shapes.Roots).ToList()).ToList();
        var guards = new List<WidthGuard>();
        for (var i = 0; i < residuals.Count; i++)
        {
            var node = residuals[i];
            if (node.Input.Dims.Equals(node.Output.Dims) || !SameExceptChannels(node.Input, node.Output) || probed.Any(p => p.Count != residuals.Count))
            {
                continue;
            }

            guards.Add(new WidthGuard(
                node.Path,
                Channels(node.Input),
                probed.Select(p => Channels(node.Input) - Channels(p[i].Input)).ToEquatableArray(),
                Channels(node.Output),
                probed.Select(p => Channels(node.Output) - Channels(p[i].Output)).ToEquatableArray()));
        }

        bool Allowed(long[] removed) => guards.All(g => g.Holds(removed));

        // The quadratic through the dense cost, one and two channels off each unit and one off each pair — then checked
        // at two more points (which must still be the dense network, narrower), so a cost that is not this quadratic
        // gives no structure rather than a wrong one.
        var probes = new Dictionary<string, CostTotals?>(StringComparer.Ordinal);
        CostTotals? At(long[] removed)
        {
            if (!Allowed(removed))
            {
                return null;
            }

            var key = string.Join(",", removed);
            if (!probes.TryGetValue(key, out var total))
            {
                var shapes = Shapes.Infer(WidthScaling.Apply(spec, Widths(removed)));
                var cost = shapes.Error is null ? Cost.Of(shapes) : null;
                total = cost is { Succeeded: true } ? cost.Total : null;
                probes[key] = total;
            }

            return total;
        }

        var macs = Fit(units, At, t => t.Macs, denseCost.Total.Macs, One);
        var flops = Fit(units, At, t => t.Flops, denseCost.Total.Flops, One);
        var count = Fit(units, At, t => t.Parameters, denseCost.Total.Parameters, One);
        if (macs is null || flops is null || count is null)
        {
            return null;
        }

        var checks = new[] { all, units.Select(u => Math.Max(0, (u.Width - 1) / 2)).ToArray() };
        foreach (var removed in checks.Where(Allowed))
        {
            if (At(removed) is not { } total || macs.Of(removed) != total.Macs || flops.Of(removed) != total.Flops || count.Of(removed) != total.Parameters ||
                LayerWidths.NotTheSameNetwork(spec, Widths(removed)) is not null)
            {
                return null;
            }
        }

        // The parameters a removed channel owns (running statistics are buffers: a masked copy leaves them alone).
        var parameters = new HashSet<string>(dense.Layers.SelectMany(l => l.Tensors).Where(t => t.CountsAsParameter).Select(t => t.Name), StringComparer.Ordinal);
        var tensors = plan.Tensors.Where(t => t.Slices.Count > 0 && parameters.Contains(t.Name)).ToEquatableArray();
        return new PrunableStructure(withGroups.ToEquatableArray(), plan.Groups, tensors, guards.ToEquatableArray(), macs, flops, count);
    }

    /// <summary>True when every guard holds at <paramref name="widths"/> (one per unit): the model is the dense network, narrower.</summary>
    /// <param name="widths">One width per unit.</param>
    public bool Allows(IReadOnlyList<long> widths)
    {
        var removed = Units.Select((u, i) => u.Width - widths[i]).ToArray();
        return Guards.All(g => g.Holds(removed));
    }

    // Every residual of the tree in walk order.
    private static IEnumerable<ResolvedNode> Residuals(IEnumerable<ResolvedNode> nodes)
    {
        foreach (var node in nodes)
        {
            if (node.Kind == LayerKind.Residual)
            {
                yield return node;
            }

            foreach (var inner in Residuals(node.Children))
            {
                yield return inner;
            }
        }
    }

    private static long Channels(Shape shape) => shape.Rank == 3 ? shape.Dims[0] : shape.Last;

    // Same rank and the same sizes but the channel dimension (an image's first, a sequence's last).
    private static bool SameExceptChannels(Shape a, Shape b)
    {
        if (a.Rank != b.Rank)
        {
            return false;
        }

        var channel = a.Rank == 3 ? 0 : a.Rank - 1;
        for (var i = 0; i < a.Rank; i++)
        {
            if (i != channel && a.Dims[i] != b.Dims[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The site widths with <paramref name="widths"/> (one per unit) set, every other site dense.</summary>
    /// <param name="spec">The dense model.</param>
    /// <param name="widths">One width per unit.</param>
    public IReadOnlyList<long> SiteWidths(ModelSpec spec, IReadOnlyList<long> widths)
    {
        var result = WidthScaling.Sites(spec).Select(s => s.Width).ToArray();
        for (var u = 0; u < Units.Count; u++)
        {
            foreach (var site in Units[u].Sites)
            {
                result[site] = widths[u];
            }
        }

        return result;
    }

    private static int IndexOf(EquatableArray<ChannelGroup> groups, ChannelGroup group)
    {
        for (var i = 0; i < groups.Count; i++)
        {
            if (groups[i].Producers.Equals(group.Producers) && groups[i].Norms.Equals(group.Norms))
            {
                return i;
            }
        }

        return -1;
    }

    // The units: for each site not yet placed, the sites of its layer name; where narrowing them alone does not give the
    // same network (an identity add ties them to another width), sites of the same dense width join in site order until
    // it does, and those not needed leave again. Sites that never give the same network stay dense.
    private static List<WidthUnit> FindUnits(ModelSpec spec, IReadOnlyList<(string Layer, long Width)> sites)
    {
        var placed = new bool[sites.Count];
        var units = new List<WidthUnit>();
        bool Narrows(List<int> unit)
        {
            var widths = sites.Select(s => s.Width).ToArray();
            foreach (var site in unit)
            {
                widths[site]--;
            }

            return LayerWidths.NotTheSameNetwork(spec, widths) is null;
        }

        List<int> Named(string layer) => Enumerable.Range(0, sites.Count).Where(j => !placed[j] && sites[j].Layer == layer).ToList();

        for (var i = 0; i < sites.Count; i++)
        {
            if (placed[i])
            {
                continue;
            }

            var unit = Named(sites[i].Layer);
            var width = sites[i].Width;
            foreach (var site in unit)
            {
                placed[site] = true;
            }

            if (width < 2 || unit.Any(s => sites[s].Width != width))
            {
                continue;
            }

            var joined = new List<int>();
            foreach (var j in Enumerable.Range(0, sites.Count).Where(j => !placed[j] && sites[j].Width == width))
            {
                if (Narrows(unit))
                {
                    break;
                }

                var named = Named(sites[j].Layer);
                if (unit.Contains(j) || named.Any(s => sites[s].Width != width))
                {
                    continue;
                }

                unit.AddRange(named);
                joined.Add(j);
            }

            if (!Narrows(unit))
            {
                continue;
            }

            foreach (var j in joined)
            {
                var without = unit.Where(s => sites[s].Layer != sites[j].Layer).ToList();
                if (Narrows(without))
                {
                    unit = without;
                }
            }

            unit.Sort();
            foreach (var site in unit)
            {
                placed[site] = true;
            }

            units.Add(new WidthUnit(unit.Select(s => sites[s].Layer).Distinct().ToEquatableArray(), unit.ToEquatableArray(), width, EquatableArray<int>.Empty));
            if (units.Count > MaxUnits)
            {
                break;
            }
        }

        return units;
    }

    // One figure's quadratic from probes: f(0) = c; f(e_i) = c + a_i + b_ii; f(2e_i) = c + 2a_i + 4b_ii;
    // f(e_i + e_j) = c + a_i + a_j + b_ii + b_jj + b_ij. A unit of two channels can lose only one: its d² is d, b_ii = 0.
    private static WidthCost? Fit(List<WidthUnit> units, Func<long[], CostTotals?> at, Func<CostTotals, long> figure, long constant, Func<int, long, long[]> one)
    {
        var n = units.Count;
        var once = new long[n];
        var linear = new long[n];
        var square = new long[n];
        for (var i = 0; i < n; i++)
        {
            if (at(one(i, 1)) is not { } first)
            {
                return null;
            }

            once[i] = figure(first) - constant;
            if (units[i].Width >= 3)
            {
                if (at(one(i, 2)) is not { } second)
                {
                    return null;
                }

                var twice = figure(second) - constant;
                var doubled = twice - (2 * once[i]);
                if (doubled % 2 != 0)
                {
                    return null;
                }

                square[i] = doubled / 2;
            }

            linear[i] = once[i] - square[i];
        }

        var quadratic = new List<long>();
        for (var i = 0; i < n; i++)
        {
            for (var j = i; j < n; j++)
            {
                if (i == j)
                {
                    quadratic.Add(square[i]);
                    continue;
                }

                var removed = new long[n];
                removed[i] = 1;
                removed[j] = 1;
                if (at(removed) is not { } both)
                {
                    return null;
                }

                quadratic.Add(figure(both) - constant - once[i] - once[j]);
            }
        }

        return new WidthCost(constant, linear.ToEquatableArray(), quadratic.ToEquatableArray());
    }
}
