namespace ModelDsl.Zoo.MobileNets;

/// <summary>
/// torchvision's MobileNetV2 <c>InvertedResidual</c> with expansion 1 (its first block): no expansion layer, so the
/// depthwise convolution is <c>conv.0</c> and the projection <c>conv.1</c>/<c>conv.2</c>.
/// </summary>
[Block("out", "stride = 1")]
[Residual(Shortcut.IfSameShape)]
public partial class DepthwiseSeparable
{
    /// <summary>3x3 depthwise convolution, then the 1x1 linear projection.</summary>
    [Block(typeof(ConvBnReLU6), "out = in_channels", "stride = stride", "groups = in_channels")]
    [Conv2d("out", Kernel = 1, Bias = false), BatchNorm2d]
    public partial Layer Conv { get; }
}
