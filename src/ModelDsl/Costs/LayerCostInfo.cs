namespace ModelDsl;

/// <summary>
/// One row of a generated model's compile-time cost table (<c>Model.CostTable</c>), for one sample, under the
/// convention of docs/cost-convention.md.
/// </summary>
/// <param name="Path">State-dict-style module path (<c>layer1.0.conv1</c>); a residual addition is <c>&lt;block&gt;.add</c>.</param>
/// <param name="Kind">Layer kind (<c>Conv2d</c>, <c>ResidualAdd</c> …).</param>
/// <param name="OutputShape">Per-sample output shape, batch excluded.</param>
/// <param name="Macs">Multiply-accumulates.</param>
/// <param name="Flops">FLOPs: 2 × MACs plus element-wise operations.</param>
/// <param name="Parameters">Trainable parameters the layer owns.</param>
public sealed record LayerCostInfo(string Path, string Kind, IReadOnlyList<int> OutputShape, long Macs, long Flops, long Parameters);
