namespace ModelDsl.Zoo.ShuffleNets;

/// <summary>
/// torchvision's <c>shufflenet_v2_x1_0</c> for 224x224 images: stem, three stages of one strided unit and 3, 7, 3 units
/// (116, 232, 464 channels), a 1x1 to 1024, global average pooling (torchvision's <c>x.mean([2, 3])</c>) and the
/// classifier; its state dict is torchvision's key for key.
/// </summary>
[Model(InputShape = [3, 224, 224])]
public partial class ShuffleNetV2
{
    /// <summary>torchvision's <c>conv1</c>: 3x3 stride 2 to 24 channels, BatchNorm, ReLU.</summary>
    [Conv2d(24, Kernel = 3, Stride = 2, Padding = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Conv1 { get; }

    /// <summary>3x3 max pooling, stride 2.</summary>
    [MaxPool2d(3, Stride = 2, Padding = 1)] public partial Layer Maxpool { get; }

    /// <summary><c>stage2.0</c> halves the resolution; <c>stage2.1</c> … <c>stage2.3</c> keep it.</summary>
    [Block(typeof(ShuffleDown), "out = 116"), Stage(typeof(ShuffleUnit), Blocks = 3)] public partial Layer Stage2 { get; }

    /// <summary><c>stage3.0</c> … <c>stage3.7</c>.</summary>
    [Block(typeof(ShuffleDown), "out = 232"), Stage(typeof(ShuffleUnit), Blocks = 7)] public partial Layer Stage3 { get; }

    /// <summary><c>stage4.0</c> … <c>stage4.3</c>.</summary>
    [Block(typeof(ShuffleDown), "out = 464"), Stage(typeof(ShuffleUnit), Blocks = 3)] public partial Layer Stage4 { get; }

    /// <summary>torchvision's <c>conv5</c>: 1x1 to 1024, BatchNorm, ReLU.</summary>
    [Conv2d(1024, Kernel = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Conv5 { get; }

    /// <summary>torchvision's <c>x.mean([2, 3])</c>: global average pooling, flattened.</summary>
    [AdaptiveAvgPool2d(1), Flatten] public partial Layer Pool { get; }

    /// <summary>torchvision's <c>fc</c>.</summary>
    [Linear(1000)] public partial Layer Fc { get; }
}
