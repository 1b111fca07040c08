namespace ModelDsl.Zoo.ConvNeXts;

/// <summary>
/// torchvision's <c>convnext_tiny</c> for 224x224 images: a stride-4 stem to 96 channels, stages of 3, 3, 9, 3 blocks
/// (96, 192, 384, 768 channels) with downsampling between them, pooling, and a classifier of LayerNorm2d, Flatten, Linear.
/// </summary>
[Model(InputShape = [3, 224, 224])]
public partial class ConvNeXtTiny
{
    /// <summary>torchvision's <c>features</c>.</summary>
    [Block(typeof(ConvNeXtStem), "out = 96")]
    [Stage(typeof(CNBlock), Blocks = 3, Name = "1")]
    [Block(typeof(ConvNeXtDownsample), "out = 192")]
    [Stage(typeof(CNBlock), Blocks = 3, Name = "3")]
    [Block(typeof(ConvNeXtDownsample), "out = 384")]
    [Stage(typeof(CNBlock), Blocks = 9, Name = "5")]
    [Block(typeof(ConvNeXtDownsample), "out = 768")]
    [Stage(typeof(CNBlock), Blocks = 3, Name = "7")]
    public partial Layer Features { get; }

    /// <summary>Global average pooling.</summary>
    [AdaptiveAvgPool2d(1)] public partial Layer Avgpool { get; }

    /// <summary>torchvision's <c>classifier</c>: <c>classifier.0</c> norm, <c>classifier.2</c> the head.</summary>
    [LayerNorm2d(Eps = 1e-6), Flatten, Linear(1000)] public partial Layer Classifier { get; }
}
