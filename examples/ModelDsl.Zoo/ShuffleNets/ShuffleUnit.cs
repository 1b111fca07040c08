namespace ModelDsl.Zoo.ShuffleNets;

/// <summary>
/// torchvision's ShuffleNetV2 <c>InvertedResidual</c> with stride 1: <c>x1, x2 = x.chunk(2, dim=1)</c>,
/// <c>torch.cat((x1, branch2(x2)), 1)</c>, then <c>channel_shuffle(out, 2)</c> — a concatenating residual whose
/// shortcut is the first half of the channels (<c>Shortcut.Split</c>).
/// </summary>
[Block]
[Residual(Shortcut.Split, Combine = Combine.Concat, Through = nameof(Branch2))]
public partial class ShuffleUnit
{
    /// <summary>torchvision's <c>branch2</c> on the second half: 1x1, 3x3 depthwise, 1x1, each with its BatchNorm (ReLU after the 1x1s).</summary>
    [Conv2d("in_channels / 2", Kernel = 1, Bias = false), BatchNorm2d, ReLU]
    [Conv2d(Depthwise = true, Kernel = 3, Padding = 1, Bias = false), BatchNorm2d]
    [Conv2d("in_channels / 2", Kernel = 1, Bias = false), BatchNorm2d, ReLU]
    public partial Layer Branch2 { get; }

    /// <summary>torchvision's <c>channel_shuffle(out, 2)</c>.</summary>
    [ChannelShuffle(2)] public partial Layer Shuffle { get; }
}
