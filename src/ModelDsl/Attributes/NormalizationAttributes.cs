namespace ModelDsl;

/// <summary><c>nn.BatchNorm1d</c> over a vector [F] or a signal [C, L]; the feature count is inferred.</summary>
public sealed class BatchNorm1dAttribute : LayerAttribute
{
    /// <summary>Added to the variance for stability; 1e-5 by default (PyTorch's).</summary>
    public double Eps { get; set; } = 1e-5;

    /// <summary>Weight of the current batch in the running statistics; 0.1 by default (PyTorch's).</summary>
    public double Momentum { get; set; } = 0.1;
}

/// <summary><c>nn.BatchNorm2d</c> over an image [C, H, W]; the channel count is inferred.</summary>
public sealed class BatchNorm2dAttribute : LayerAttribute
{
    /// <summary>Added to the variance for stability; 1e-5 by default (PyTorch's); torchvision's MobileNetV3 uses 1e-3.</summary>
    public double Eps { get; set; } = 1e-5;

    /// <summary>Weight of the current batch in the running statistics; 0.1 by default (PyTorch's); MobileNetV3 uses 0.01.</summary>
    public double Momentum { get; set; } = 0.1;
}

/// <summary><c>nn.LayerNorm</c> over the last dimension, whose size is inferred.</summary>
public sealed class LayerNormAttribute : LayerAttribute
{
    /// <summary>Whether the layer has a bias; true by default.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>Added to the variance for stability; 1e-5 by default (PyTorch's), ViT uses 1e-6.</summary>
    public double Eps { get; set; } = 1e-5;
}

/// <summary><c>nn.GroupNorm</c> over the channel dimension, whose size is inferred.</summary>
/// <param name="groups">Number of groups; the channel count must divide by it.</param>
public sealed class GroupNormAttribute(object groups) : LayerAttribute
{
    /// <summary>Number of groups.</summary>
    public object Groups { get; } = groups;

    /// <summary>Added to the variance for stability; 1e-5 by default (PyTorch's).</summary>
    public double Eps { get; set; } = 1e-5;
}

/// <summary><c>nn.RMSNorm</c> over the last dimension, whose size is inferred.</summary>
public sealed class RMSNormAttribute : LayerAttribute
{
}

/// <summary>
/// LayerNorm over the channels of an image [C, H, W] at each position (torchvision's ConvNeXt <c>LayerNorm2d</c>).
/// State dict: <c>weight</c>, <c>bias</c> [C].
/// </summary>
public sealed class LayerNorm2dAttribute : LayerAttribute
{
    /// <summary>The variance epsilon; PyTorch's 1e-5 by default (ConvNeXt: 1e-6).</summary>
    public double Eps { get; set; } = 1e-5;
}

/// <summary>
/// Layer scale: multiplies by a learned per-channel vector, a bare parameter of the enclosing module named by the
/// property (ConvNeXt's <c>layer_scale</c> [C, 1, 1] on an image; [D] on tokens or vectors).
/// </summary>
/// <param name="value">The initial value of every entry (ConvNeXt: 1e-6).</param>
public sealed class LayerScaleAttribute(double value) : LayerAttribute
{
    /// <summary>The initial value of every entry.</summary>
    public double Value { get; } = value;
}
