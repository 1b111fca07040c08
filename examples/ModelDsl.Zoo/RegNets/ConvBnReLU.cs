namespace ModelDsl.Zoo.RegNets;

/// <summary>
/// torchvision's <c>Conv2dNormActivation</c> with ReLU, as RegNet uses it (its stem, the bottleneck's <c>a</c> and
/// <c>b</c>): convolution without bias, BatchNorm2d, ReLU, numbered <c>0</c>, <c>1</c>, <c>2</c>.
/// </summary>
[Block("out", "kernel = 1", "stride = 1", "groups = 1", Sequential = true)]
public partial class ConvBnReLU
{
    /// <summary>The convolution (padding keeps the size at stride 1).</summary>
    [Conv2d("out", Kernel = "kernel", Stride = "stride", Padding = "(kernel - 1) / 2", Groups = "groups", Bias = false)] public partial Layer Conv { get; }

    /// <summary>Its batch norm.</summary>
    [BatchNorm2d] public partial Layer Norm { get; }

    /// <summary>ReLU.</summary>
    [ReLU] public partial Layer Activation { get; }
}
