namespace ModelDsl.Zoo.RegNets;

/// <summary>
/// torchvision's RegNet <c>ResBottleneckBlock</c>: the transform <c>f</c> plus the input, through a 1x1 projection
/// (<c>proj</c>) where the block changes width or resolution, then ReLU. The squeeze width is a quarter of the block's
/// input width (torchvision's <c>se_ratio = 0.25</c> of <c>width_in</c>).
/// </summary>
[Block("out", "stride = 1")]
[Residual(Shortcut.Projection, ProjectionName = "proj", Through = nameof(F))]
public partial class ResBottleneck
{
    /// <summary>The bottleneck transform.</summary>
    [Block(typeof(BottleneckTransform), "out = out", "stride = stride", "se = in_channels / 4")] public partial Layer F { get; }

    /// <summary>ReLU after the addition.</summary>
    [ReLU] public partial Layer Activation { get; }
}
