namespace ModelDsl.Zoo.EfficientNets;

/// <summary>torchvision's <c>Conv2dNormActivation</c> without activation (a block's projection): 1x1 convolution, BatchNorm2d (eps 1e-3).</summary>
[Block("out", Sequential = true)]
public partial class ConvBn
{
    /// <summary>The 1x1 convolution.</summary>
    [Conv2d("out", Kernel = 1, Bias = false)] public partial Layer Conv { get; }

    /// <summary>Its batch norm.</summary>
    [BatchNorm2d(Eps = 0.001)] public partial Layer Norm { get; }
}
