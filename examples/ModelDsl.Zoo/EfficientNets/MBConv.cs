namespace ModelDsl.Zoo.EfficientNets;

/// <summary>
/// torchvision's <c>MBConv</c>: 1x1 expand, 3x3 depthwise carrying the stride, squeeze-excitation to a quarter of the
/// block's input width, 1x1 projection; the input is added where the block keeps the shape.
/// </summary>
[Block("out", "stride = 1", "expand = 4")]
[Residual(Shortcut.IfSameShape)]
public partial class MBConv
{
    /// <summary>torchvision's <c>block</c>: <c>block.0</c> expand, <c>block.1</c> depthwise, <c>block.2</c> gate, <c>block.3</c> projection.</summary>
    [Block(typeof(ConvBnSiLU), "out = in_channels * expand")]
    [Block(typeof(ConvBnSiLU), "out = in_channels * expand", "kernel = 3", "stride = stride", "groups = in_channels * expand")]
    [Block(typeof(SqueezeExcitation), "squeeze = in_channels / 4")]
    [Block(typeof(ConvBn), "out = out")]
    public partial Layer Block { get; }
}
