namespace ModelDsl.Spec;

/// <summary>Whole-model cost for one sample: the sums of the per-layer figures.</summary>
/// <param name="Macs">Total multiply-accumulates.</param>
/// <param name="Flops">Total FLOPs (2 × MACs + element-wise).</param>
/// <param name="ElementwiseFlops">Total element-wise FLOPs.</param>
/// <param name="Parameters">Total trainable parameters, each stored tensor counted once.</param>
/// <param name="WeightBytes">Total weight storage.</param>
/// <param name="ActivationBytes">Sum of every layer's output bytes (not the peak: layers' outputs are not all alive at once).</param>
public sealed record CostTotals(long Macs, long Flops, long ElementwiseFlops, long Parameters, long WeightBytes, long ActivationBytes)
{
    /// <summary>All zeros.</summary>
    public static CostTotals Zero { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>One layer's figures as totals.</summary>
    /// <param name="layer">A layer's cost.</param>
    public static CostTotals Of(LayerCost layer) =>
        new(layer.Macs, layer.Flops, layer.ElementwiseFlops, layer.Parameters, layer.WeightBytes, layer.ActivationBytes);

    /// <summary>The sums, checked: a total beyond 64 bits throws <see cref="OverflowException"/>, which inference reports.</summary>
    /// <param name="other">The figures to add.</param>
    public CostTotals Plus(CostTotals other) => checked(new(
        Macs + other.Macs,
        Flops + other.Flops,
        ElementwiseFlops + other.ElementwiseFlops,
        Parameters + other.Parameters,
        WeightBytes + other.WeightBytes,
        ActivationBytes + other.ActivationBytes));
}
