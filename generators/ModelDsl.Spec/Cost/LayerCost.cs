namespace ModelDsl.Spec;

/// <summary>The cost of one layer for one sample.</summary>
/// <param name="Path">State-dict-style module path (<c>layer1.0.conv1</c>); a residual addition is <c>&lt;scope&gt;.add</c>.</param>
/// <param name="Kind">Layer kind.</param>
/// <param name="Macs">Multiply-accumulates of conv, linear and matmul work (attention's QKᵀ and AV included).</param>
/// <param name="Flops">2 × <paramref name="Macs"/> + <paramref name="ElementwiseFlops"/>.</param>
/// <param name="ElementwiseFlops">Bias adds, normalisation, activations, softmax, pooling, residual adds.</param>
/// <param name="Parameters">Trainable parameters the layer owns (tied weights and buffers excluded).</param>
/// <param name="WeightBytes">Parameters × bytes per parameter.</param>
/// <param name="ActivationBytes">Output elements × bytes per activation.</param>
public sealed record LayerCost(
    string Path,
    LayerKind Kind,
    long Macs,
    long Flops,
    long ElementwiseFlops,
    long Parameters,
    long WeightBytes,
    long ActivationBytes);
