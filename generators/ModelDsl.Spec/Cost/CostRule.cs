namespace ModelDsl.Spec;

/// <summary>How one layer kind is costed: the formula as documentation and as code, side by side.</summary>
public sealed class CostRule
{
    private readonly Func<LayerShape, long> macs;
    private readonly Func<LayerShape, long> elementwise;

    internal CostRule(LayerKind kind, string macsRule, string elementwiseRule, Func<LayerShape, long> macs, Func<LayerShape, long> elementwise)
    {
        Kind = kind;
        MacsRule = macsRule;
        ElementwiseRule = elementwiseRule;
        this.macs = macs;
        this.elementwise = elementwise;
    }

    /// <summary>The layer kind.</summary>
    public LayerKind Kind { get; }

    /// <summary>The MAC formula, in the notation of <c>docs/cost-convention.md</c>.</summary>
    public string MacsRule { get; }

    /// <summary>The element-wise FLOP formula, in the same notation.</summary>
    public string ElementwiseRule { get; }

    /// <summary>Multiply-accumulates of <paramref name="layer"/>.</summary>
    /// <param name="layer">A layer after shape inference.</param>
    public long Macs(LayerShape layer) => macs(layer);

    /// <summary>Element-wise FLOPs of <paramref name="layer"/>.</summary>
    /// <param name="layer">A layer after shape inference.</param>
    public long ElementwiseFlops(LayerShape layer) => elementwise(layer);
}
