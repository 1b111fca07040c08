namespace ModelDsl.Zoo.DenseNets;

/// <summary>
/// torchvision's <c>densenet121</c> for 224x224 images: growth 32, blocks of 6, 12, 24, 16 dense layers, each
/// transition halving channels and resolution; its <c>features</c> names every element as torchvision's
/// <c>OrderedDict</c> does (<c>features.conv0</c>, <c>features.denseblock1.denselayer1.norm1</c>, …).
/// </summary>
[Model(InputShape = [3, 224, 224])]
public partial class DenseNet121
{
    /// <summary>torchvision's <c>features</c>.</summary>
    [Conv2d(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false, Name = "conv0"), BatchNorm2d(Name = "norm0"), ReLU(Name = "relu0")]
    [MaxPool2d(3, Stride = 2, Padding = 1, Name = "pool0")]
    [Stage(typeof(DenseLayer), Blocks = 6, Item = "denselayer{i+1}", Name = "denseblock1")]
    [Block(typeof(Transition), "out = 128", Name = "transition1")]
    [Stage(typeof(DenseLayer), Blocks = 12, Item = "denselayer{i+1}", Name = "denseblock2")]
    [Block(typeof(Transition), "out = 256", Name = "transition2")]
    [Stage(typeof(DenseLayer), Blocks = 24, Item = "denselayer{i+1}", Name = "denseblock3")]
    [Block(typeof(Transition), "out = 512", Name = "transition3")]
    [Stage(typeof(DenseLayer), Blocks = 16, Item = "denselayer{i+1}", Name = "denseblock4")]
    [BatchNorm2d(Name = "norm5")]
    public partial Layer Features { get; }

    /// <summary>torchvision's <c>forward</c>: ReLU, global average pooling, <c>torch.flatten(x, 1)</c>.</summary>
    [ReLU, AdaptiveAvgPool2d(1), Flatten] public partial Layer Pool { get; }

    /// <summary>torchvision's <c>classifier</c>.</summary>
    [Linear(1000)] public partial Layer Classifier { get; }
}
