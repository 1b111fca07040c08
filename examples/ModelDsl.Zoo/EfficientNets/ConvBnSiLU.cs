namespace ModelDsl.Zoo.EfficientNets;

/// <summary>
/// torchvision's <c>Conv2dNormActivation</c> as EfficientNet uses it: convolution without bias, BatchNorm2d with
/// eps 1e-3 (EfficientNetV2's norm layer), SiLU, numbered <c>0</c>, <c>1</c>, <c>2</c>.
/// </summary>
[Block("out", "kernel = 1", "stride = 1", "groups = 1", Sequential = true)]
public partial class ConvBnSiLU
{
    /// <summary>The convolution (padding keeps the size at stride 1); <c>groups</c> = channels makes it depthwise.</summary>
    [Conv2d("out", Kernel = "kernel", Stride = "stride", Padding = "(kernel - 1) / 2", Groups = "groups", Bias = false)] public partial Layer Conv { get; }

    /// <summary>Its batch norm.</summary>
    [BatchNorm2d(Eps = 0.001)] public partial Layer Norm { get; }

    /// <summary>SiLU.</summary>
    [SiLU] public partial Layer Activation { get; }
}
