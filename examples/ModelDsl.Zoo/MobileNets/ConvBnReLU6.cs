namespace ModelDsl.Zoo.MobileNets;

/// <summary>
/// torchvision's <c>Conv2dNormActivation</c> as MobileNetV2 uses it: convolution without bias (padding keeps the size
/// at stride 1), BatchNorm2d, ReLU6 — an <c>nn.Sequential</c>, so its layers are numbered <c>0</c>, <c>1</c>, <c>2</c>.
/// </summary>
[Block("out", "kernel = 3", "stride = 1", "groups = 1", Sequential = true)]
public partial class ConvBnReLU6
{
    /// <summary>The convolution; <c>groups</c> = channels makes it depthwise.</summary>
    [Conv2d("out", Kernel = "kernel", Stride = "stride", Padding = "(kernel - 1) / 2", Groups = "groups", Bias = false)] public partial Layer Conv { get; }

    /// <summary>Its batch norm.</summary>
    [BatchNorm2d] public partial Layer Norm { get; }

    /// <summary>ReLU6.</summary>
    [ReLU6] public partial Layer Activation { get; }
}
