namespace ModelDsl.Zoo.DenseNets;

/// <summary>
/// torchvision's DenseNet <c>_DenseLayer</c>: BatchNorm, ReLU, 1x1 to <c>bn_size · growth</c>, BatchNorm, ReLU, 3x3 to
/// <c>growth</c> new channels, concatenated after its input (<c>torch.cat([x, new_features], 1)</c>, which is what
/// <c>_DenseBlock</c>'s list of features amounts to): a concatenating residual.
/// </summary>
[Block("growth = 32", "bn_size = 4")]
[Residual(Combine = Combine.Concat)]
public partial class DenseLayer
{
    /// <summary>Pre-activation norm over all channels so far.</summary>
    [BatchNorm2d] public partial Layer Norm1 { get; }

    /// <summary>ReLU.</summary>
    [ReLU] public partial Layer Relu1 { get; }

    /// <summary>Bottleneck 1x1.</summary>
    [Conv2d("bn_size * growth", Kernel = 1, Bias = false)] public partial Layer Conv1 { get; }

    /// <summary>Norm.</summary>
    [BatchNorm2d] public partial Layer Norm2 { get; }

    /// <summary>ReLU.</summary>
    [ReLU] public partial Layer Relu2 { get; }

    /// <summary>The new features.</summary>
    [Conv2d("growth", Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv2 { get; }
}
