namespace ModelDsl.Zoo.ResNets;

/// <summary>
/// torchvision's <c>resnet18</c> for 224x224 ImageNet images: same layers, same state-dict names and shapes, and the
/// published cost (1.814 GMACs, which torchvision lists as "GFLOPS", and 11.69 M parameters); ResNet18Half at half width
/// and ResNet18Int8, whose weights are stored int8 per output channel (its Linear computes in int8).
/// </summary>
[Model(InputShape = [3, 224, 224])]
[Variant("Half", KeepChannels = 0.5)]
[Variant("Int8", Weights = Precision.Int8)]
public partial class ResNet18
{
    /// <summary>7x7 stride-2 stem convolution.</summary>
    [Conv2d(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] public partial Layer Conv1 { get; }

    /// <summary>Stem batch norm.</summary>
    [BatchNorm2d] public partial Layer Bn1 { get; }

    /// <summary>Stem activation.</summary>
    [ReLU] public partial Layer Relu { get; }

    /// <summary>3x3 stride-2 max pooling.</summary>
    [MaxPool2d(3, Stride = 2, Padding = 1)] public partial Layer Maxpool { get; }

    /// <summary>Two blocks at 64 channels, 56x56.</summary>
    [Stage(typeof(BasicBlock), "planes = 64", Blocks = 2)] public partial Layer Layer1 { get; }

    /// <summary>Two blocks at 128 channels, 28x28.</summary>
    [Stage(typeof(BasicBlock), "planes = 128", "stride = 2", Blocks = 2)] public partial Layer Layer2 { get; }

    /// <summary>Two blocks at 256 channels, 14x14.</summary>
    [Stage(typeof(BasicBlock), "planes = 256", "stride = 2", Blocks = 2)] public partial Layer Layer3 { get; }

    /// <summary>Two blocks at 512 channels, 7x7.</summary>
    [Stage(typeof(BasicBlock), "planes = 512", "stride = 2", Blocks = 2)] public partial Layer Layer4 { get; }

    /// <summary>Global average pooling.</summary>
    [AdaptiveAvgPool2d(1)] public partial Layer Avgpool { get; }

    /// <summary><c>torch.flatten(x, 1)</c>, which torchvision calls in <c>forward</c>.</summary>
    [Flatten] public partial Layer Flatten { get; }

    /// <summary>The 1000-class classifier.</summary>
    [Linear(1000)] public partial Layer Fc { get; }
}
