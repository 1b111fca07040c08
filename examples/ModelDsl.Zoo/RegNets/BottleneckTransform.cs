namespace ModelDsl.Zoo.RegNets;

/// <summary>
/// torchvision's RegNet <c>BottleneckTransform</c> (bottleneck multiplier 1): 1x1 <c>a</c>, grouped 3x3 <c>b</c> carrying
/// the stride (group width <c>group_width</c>), squeeze-excitation <c>se</c> to <c>se</c> channels, 1x1 <c>c</c> without activation.
/// </summary>
[Block("out", "stride", "se", "group_width = 8")]
public partial class BottleneckTransform
{
    /// <summary>1x1, BatchNorm, ReLU.</summary>
    [Block(typeof(ConvBnReLU), "out = out")] public partial Layer A { get; }

    /// <summary>Grouped 3x3 with the stride, BatchNorm, ReLU.</summary>
    [Block(typeof(ConvBnReLU), "out = out", "kernel = 3", "stride = stride", "groups = out / group_width")] public partial Layer B { get; }

    /// <summary>The gate.</summary>
    [Block(typeof(SqueezeExcitation), "squeeze = se")] public partial Layer Se { get; }

    /// <summary>1x1, BatchNorm.</summary>
    [Block(typeof(ConvBn), "out = out")] public partial Layer C { get; }
}
