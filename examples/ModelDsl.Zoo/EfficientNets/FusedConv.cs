namespace ModelDsl.Zoo.EfficientNets;

/// <summary>
/// torchvision's <c>FusedMBConv</c> with expansion 1 (EfficientNetV2's first stage): one 3x3 convolution, BatchNorm,
/// SiLU, in torchvision's <c>block</c> sequence of one (<c>block.0.0</c>); the input is added where the shape is kept.
/// </summary>
[Block("out", "stride = 1")]
[Residual(Shortcut.IfSameShape)]
public partial class FusedConv
{
    /// <summary>torchvision's <c>block</c>: an <c>nn.Sequential</c> holding the one convolution block (a stage of one).</summary>
    [Stage(typeof(ConvBnSiLU), "out = out", "kernel = 3", "stride = stride", Blocks = 1)] public partial Layer Block { get; }
}
