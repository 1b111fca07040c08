namespace ModelDsl.Zoo.EfficientNets;

/// <summary>
/// torchvision's <c>FusedMBConv</c> with an expansion: a fused 3x3 expand carrying the stride, a 1x1 projection; the
/// input is added where the block keeps the shape (stochastic depth is the identity at inference).
/// </summary>
[Block("out", "stride = 1", "expand = 4")]
[Residual(Shortcut.IfSameShape)]
public partial class FusedMBConv
{
    /// <summary>torchvision's <c>block</c>: <c>block.0</c> fused expand, <c>block.1</c> projection.</summary>
    [Block(typeof(ConvBnSiLU), "out = in_channels * expand", "kernel = 3", "stride = stride"), Block(typeof(ConvBn), "out = out")]
    public partial Layer Block { get; }
}
