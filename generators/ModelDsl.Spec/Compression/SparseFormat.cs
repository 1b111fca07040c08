namespace ModelDsl.Spec;

/// <summary>
/// How a sparse variant stores and costs its layers. N:M: every eligible Linear and Conv2d (<see cref="Sparsity.Eligible"/>)
/// becomes the runtime's <c>NMLinear</c> / <c>NMConv2d</c> — float32 values of the N kept weights of every group
/// [out, R·N/M] and their in-group positions packed <see cref="Sparsity.IndexBits"/> bits each into uint8 [out,
/// ⌈(R·N/M) / (8 / bits)⌉] — and its MACs are N/M of the dense ones (exact: M divides R). Magnitude: every Linear and
/// convolution (not a tied head) keeps weights − round(Prune · weights) non-zeros; a Linear becomes <c>SparseLinear</c>
/// (masked dense weight, CSR compute where measured faster), a convolution stays a masked dense convolution; the state
/// dict stores every weight dense float32, so the weight bytes are the dense ones. With a global ranking the layers'
/// shares are chosen from the weights at load time: the compile-time split gives each layer floor(Prune · weights)
/// (within its MinKeep cap), the remainder to the first layers with room — the non-zero total is exact, and so are the
/// MACs wherever every layer uses each weight equally often per sample (an MLP on vectors); the built model's
/// <c>EffectiveMacs()</c> counts its real non-zeros.
/// </summary>
/// <param name="Kind">The pattern.</param>
/// <param name="N">N:M: weights kept per group.</param>
/// <param name="M">N:M: group length.</param>
/// <param name="Prune">Magnitude: the fraction of weights set to zero.</param>
/// <param name="Global">Magnitude: one ranking across all layers.</param>
/// <param name="MinKeep">Magnitude with a global ranking: the fraction of every layer kept at least.</param>
/// <param name="Layers">The sparsified layers, in forward order.</param>
public sealed record SparseFormat(SparseKind Kind, int N, int M, double Prune, bool Global, double MinKeep, EquatableArray<SparseLayer> Layers)
{
    /// <summary>The runtime's minimum kept fraction per layer of a global ranking when the variant sets none (<c>MagnitudePruning.Global</c>'s default).</summary>
    public const double DefaultMinKeep = 0.02;

    /// <summary>The sparsified layer at <paramref name="path"/>, or null.</summary>
    public SparseLayer? Find(string path) => Layers.FirstOrDefault(l => l.Path == path);

    /// <summary>True when the variant builds <paramref name="layer"/> as another module than the dense one (NMLinear, NMConv2d, SparseLinear).</summary>
    public bool Replaces(LayerShape layer) => Find(layer.Path) is not null && (layer.Kind == LayerKind.Linear || Kind == SparseKind.NM);

    /// <summary>
    /// Why a sparse variant of <paramref name="shapes"/> is not generated, or null: an N:M pattern on a Conv1d or with
    /// M over 256 (one index per byte at most), or nothing to sparsify.
    /// </summary>
    public static string? NotGenerated(ShapeResult shapes, VariantSpec variant)
    {
        if (variant.Sparsity is { } pattern && Sparsity.Parse(pattern, out _, out var m) is null)
        {
            if (m > 256)
            {
                return "N:M patterns store each kept weight's position in one byte at most, so M is at most 256 (M = " + m.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
            }

            if (Sparsity.Eligible(shapes).FirstOrDefault(l => l.Kind == LayerKind.Conv1d) is { } conv1d)
            {
                return "N:M storage of a Conv1d ('" + conv1d.Path + "') is not generated yet";
            }

            if (!NMLayers(shapes).Any())
            {
                return "the model has no Linear or convolution an N:M pattern applies to (the first one, reading the input, stays dense)";
            }
        }

        return variant.Prune is not null && !MagnitudeLayers(shapes).Any() ? "the model has no Linear or convolution to prune" : null;
    }

    /// <summary>
    /// The format of a valid sparse variant (<c>Sparsity</c> or <c>Prune</c> alone) of <paramref name="shapes"/>, or null
    /// when it does not become a class (invalid values, M not dividing a reduction, <see cref="NotGenerated"/>).
    /// </summary>
    public static SparseFormat? Of(ShapeResult shapes, VariantSpec variant)
    {
        if (NotGenerated(shapes, variant) is not null)
        {
            return null;
        }

        if (variant.Sparsity is { } pattern)
        {
            if (Sparsity.Parse(pattern, out var n, out var m) is not null)
            {
                return null;
            }

            var layers = new List<SparseLayer>();
            foreach (var layer in NMLayers(shapes))
            {
                var weights = WeightOf(layer);
                if (Sparsity.ReductionOf(layer) % m != 0)
                {
                    return null;
                }

                layers.Add(new SparseLayer(layer.Path, layer.Kind, weights, weights / m * n));
            }

            return new SparseFormat(SparseKind.NM, n, m, 0, false, 0, layers.ToEquatableArray());
        }

        if (variant.Prune is not { } prune || !(prune > 0 && prune < 1))
        {
            return null;
        }

        var minKeep = variant.MinKeep ?? DefaultMinKeep;
        if (!(minKeep >= 0 && minKeep < 1))
        {
            return null;
        }

        var pruned = MagnitudeLayers(shapes).Select(l => (Layer: l, Weights: WeightOf(l))).ToList();
        var counts = variant.GlobalRanking ? GlobalSplit(pruned.Select(p => p.Weights).ToArray(), prune, minKeep) : pruned.Select(p => Round(prune * p.Weights)).ToArray();
        if (counts is null)
        {
            return null;
        }

        var kept = pruned.Select((p, i) => new SparseLayer(p.Layer.Path, p.Layer.Kind, p.Weights, p.Weights - counts[i])).ToEquatableArray();
        return new SparseFormat(SparseKind.Magnitude, 0, 0, prune, variant.GlobalRanking, minKeep, kept);
    }

    /// <summary>
    /// For a global ranking: the weights it must prune and the most that keeping <paramref name="minKeep"/> of every
    /// layer allows (as <c>MagnitudePruning.Global</c> counts them: round(prune · total) and Σ weights − ⌈minKeep · weights⌉).
    /// </summary>
    public static (long Target, long Allowed) GlobalLimit(ShapeResult shapes, double prune, double minKeep)
    {
        var sizes = MagnitudeLayers(shapes).Select(WeightOf).ToArray();
        return (Round(prune * sizes.Sum()), sizes.Sum(size => size - (long)Math.Ceiling(minKeep * size)));
    }

    /// <summary>
    /// <paramref name="cost"/> (of <paramref name="shapes"/>) with each sparsified layer's MACs counting its non-zero
    /// weights only (FLOPs two per MAC fewer) and, for N:M, its weight bytes as stored; parameters stay the dense count.
    /// </summary>
    public CostReport Apply(ShapeResult shapes, CostReport cost)
    {
        if (!cost.Succeeded)
        {
            return cost;
        }

        var rows = new List<LayerCost>();
        var total = CostTotals.Zero;
        var path = string.Empty;
        try
        {
            foreach (var (layer, row) in shapes.Layers.Zip(cost.Layers, (l, r) => (l, r)))
            {
                path = layer.Path;
                var stored = row;
                if (Find(layer.Path) is { } sparse)
                {
                    // Every MAC of a Linear or convolution uses one weight, each weight equally often: Macs / Weights times.
                    var macs = checked(row.Macs / sparse.Weights * sparse.Kept);
                    stored = row with
                    {
                        Macs = macs,
                        Flops = checked(row.Flops - (2 * (row.Macs - macs))),
                        WeightBytes = Kind == SparseKind.NM ? Sparsity.WeightBytes(layer, N, M) : row.WeightBytes,
                    };
                }

                rows.Add(stored);
                total = total.Plus(CostTotals.Of(stored));
            }
        }
        catch (OverflowException)
        {
            return new CostReport(EquatableArray<LayerCost>.Empty, CostTotals.Zero, Cost.Overflow(path, rows.Count == 0 ? null : total));
        }

        return new CostReport(rows.ToEquatableArray(), total, null);
    }

    // N:M layers: the eligible Linears and Conv2d whose weight is their own (a tied head's belongs to its embedding).
    private static IEnumerable<LayerShape> NMLayers(ShapeResult shapes) => Sparsity.Eligible(shapes).Where(Owned);

    // Magnitude layers: every Linear and convolution with a weight of its own, as MagnitudePruning's default selects them.
    private static IEnumerable<LayerShape> MagnitudeLayers(ShapeResult shapes) =>
        shapes.Layers.Where(l => l.Kind is LayerKind.Linear or LayerKind.Conv1d or LayerKind.Conv2d && Owned(l));

    private static bool Owned(LayerShape layer) => layer.Tensors.Any(t => t.Name == layer.Path + ".weight" && t.TiedTo is null);

    private static long WeightOf(LayerShape layer) => layer.Tensors.First(t => t.Name == layer.Path + ".weight").Elements;

    // Math.Round to even, as the runtime's MagnitudePruning rounds.
    private static long Round(double value) => (long)Math.Round(value);

    // Each layer floor(prune · size) within its cap, then the rest of the global target to the first layers with room;
    // null where the caps cannot reach the target (MDSL3014).
    private static long[]? GlobalSplit(long[] sizes, double prune, double minKeep)
    {
        var caps = sizes.Select(size => size - (long)Math.Ceiling(minKeep * size)).ToArray();
        var target = Round(prune * sizes.Sum());
        if (target > caps.Sum())
        {
            return null;
        }

        var counts = sizes.Select((size, i) => Math.Min(caps[i], (long)Math.Floor(prune * size))).ToArray();
        var remaining = target - counts.Sum();
        for (var i = 0; i < counts.Length && remaining != 0; i++)
        {
            var step = remaining > 0 ? Math.Min(remaining, caps[i] - counts[i]) : Math.Max(remaining, -counts[i]);
            counts[i] += step;
            remaining -= step;
        }

        return counts;
    }
}
