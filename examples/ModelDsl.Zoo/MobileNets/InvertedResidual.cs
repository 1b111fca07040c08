namespace ModelDsl.Zoo.MobileNets;

/// <summary>
/// torchvision's MobileNetV2 <c>InvertedResidual</c> with an expansion: 1x1 expand to <c>in_channels * expand</c>, 3x3
/// depthwise carrying the stride, 1x1 linear projection to <c>out</c>; the input is added where the shape is kept
/// (torchvision's <c>use_res_connect</c>).
/// </summary>
[Block("out", "stride = 1", "expand = 6")]
[Residual(Shortcut.IfSameShape)]
public partial class InvertedResidual
{
    /// <summary>torchvision's <c>conv</c> sequence: <c>conv.0</c> expand, <c>conv.1</c> depthwise, <c>conv.2</c>/<c>conv.3</c> projection.</summary>
    [Block(typeof(ConvBnReLU6), "out = in_channels * expand", "kernel = 1")]
    [Block(typeof(ConvBnReLU6), "out = in_channels * expand", "stride = stride", "groups = in_channels * expand")]
    [Conv2d("out", Kernel = 1, Bias = false), BatchNorm2d]
    public partial Layer Conv { get; }
}
