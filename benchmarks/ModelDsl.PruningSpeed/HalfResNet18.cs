namespace ModelDsl.PruningSpeed;

/// <summary>
/// examples/ModelDsl.Zoo/ResNets/ResNet18.cs with every width halved (stem 32, stages 32/64/128/256): the shape a
/// structured-pruning variant with KeepChannels = 0.5 gives ResNet-18 (the image's 3 input channels and the 1000
/// classes stay).
/// </summary>
[Model(InputShape = [3, 224, 224])]
public partial class HalfResNet18
{
    /// <summary>7x7 stride-2 stem convolution.</summary>
    [Conv2d(32, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] public partial Layer Conv1 { get; }

    /// <summary>Stem batch norm.</summary>
    [BatchNorm2d] public partial Layer Bn1 { get; }

    /// <summary>Stem activation.</summary>
    [ReLU] public partial Layer Relu { get; }

    /// <summary>3x3 stride-2 max pooling.</summary>
    [MaxPool2d(3, Stride = 2, Padding = 1)] public partial Layer Maxpool { get; }

    /// <summary>Two blocks at 32 channels, 56x56.</summary>
    [Stage(typeof(BasicBlock), "planes = 32", Blocks = 2)] public partial Layer Layer1 { get; }

    /// <summary>Two blocks at 64 channels, 28x28.</summary>
    [Stage(typeof(BasicBlock), "planes = 64", "stride = 2", Blocks = 2)] public partial Layer Layer2 { get; }

    /// <summary>Two blocks at 128 channels, 14x14.</summary>
    [Stage(typeof(BasicBlock), "planes = 128", "stride = 2", Blocks = 2)] public partial Layer Layer3 { get; }

    /// <summary>Two blocks at 256 channels, 7x7.</summary>
    [Stage(typeof(BasicBlock), "planes = 256", "stride = 2", Blocks = 2)] public partial Layer Layer4 { get; }

    /// <summary>Global average pooling.</summary>
    [AdaptiveAvgPool2d(1)] public partial Layer Avgpool { get; }

    /// <summary><c>torch.flatten(x, 1)</c>.</summary>
    [Flatten] public partial Layer Flatten { get; }

    /// <summary>The 1000-class classifier.</summary>
    [Linear(1000)] public partial Layer Fc { get; }
}
