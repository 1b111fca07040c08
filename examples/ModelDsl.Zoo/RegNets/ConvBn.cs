namespace ModelDsl.Zoo.RegNets;

/// <summary>torchvision's <c>Conv2dNormActivation</c> without activation (the bottleneck's <c>c</c>): 1x1 convolution, BatchNorm2d.</summary>
[Block("out", Sequential = true)]
public partial class ConvBn
{
    /// <summary>The 1x1 convolution.</summary>
    [Conv2d("out", Kernel = 1, Bias = false)] public partial Layer Conv { get; }

    /// <summary>Its batch norm.</summary>
    [BatchNorm2d] public partial Layer Norm { get; }
}
