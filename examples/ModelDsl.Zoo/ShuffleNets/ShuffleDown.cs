namespace ModelDsl.Zoo.ShuffleNets;

/// <summary>
/// torchvision's ShuffleNetV2 <c>InvertedResidual</c> with stride 2, the first block of a stage: both branches read the
/// whole input, <c>torch.cat((branch1(x), branch2(x)), 1)</c>, then <c>channel_shuffle(out, 2)</c>. The residual's
/// declared shortcut path is <c>branch1</c>; its branch is <c>branch2</c>.
/// </summary>
[Block("out", "stride = 2")]
[Residual(Combine = Combine.Concat, ShortcutFrom = nameof(Branch1), From = nameof(Branch2), Through = nameof(Branch2))]
public partial class ShuffleDown
{
    /// <summary>torchvision's <c>branch1</c>: 3x3 depthwise with the stride, BatchNorm, 1x1 to half the output, BatchNorm, ReLU.</summary>
    [Conv2d(Depthwise = true, Kernel = 3, Stride = "stride", Padding = 1, Bias = false), BatchNorm2d]
    [Conv2d("out / 2", Kernel = 1, Bias = false), BatchNorm2d, ReLU]
    public partial Layer Branch1 { get; }

    /// <summary>torchvision's <c>branch2</c>: 1x1, 3x3 depthwise with the stride, 1x1, each with its BatchNorm (ReLU after the 1x1s).</summary>
    [Conv2d("out / 2", Kernel = 1, Bias = false), BatchNorm2d, ReLU]
    [Conv2d(Depthwise = true, Kernel = 3, Stride = "stride", Padding = 1, Bias = false), BatchNorm2d]
    [Conv2d("out / 2", Kernel = 1, Bias = false), BatchNorm2d, ReLU]
    public partial Layer Branch2 { get; }

    /// <summary>torchvision's <c>channel_shuffle(out, 2)</c>: interleaves the two branches' channels.</summary>
    [ChannelShuffle(2)] public partial Layer Shuffle { get; }
}
