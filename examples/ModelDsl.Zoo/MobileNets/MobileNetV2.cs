namespace ModelDsl.Zoo.MobileNets;

/// <summary>
/// torchvision's <c>mobilenet_v2</c> (width 1.0) for 224x224 images, with its flat <c>features.N</c> numbering: the
/// stages' blocks continue the numbering of the property they sit in.
/// </summary>
[Model(InputShape = [3, 224, 224])]
public partial class MobileNetV2
{
    /// <summary>torchvision's <c>features</c>: stem, the inverted-residual settings (t, c, n, s), and the 1x1 to 1280.</summary>
    [Block(typeof(ConvBnReLU6), "out = 32", "stride = 2")]
    [Block(typeof(DepthwiseSeparable), "out = 16")]
    [Stage(typeof(InvertedResidual), "out = 24", "stride = 2", Blocks = 2)]
    [Stage(typeof(InvertedResidual), "out = 32", "stride = 2", Blocks = 3)]
    [Stage(typeof(InvertedResidual), "out = 64", "stride = 2", Blocks = 4)]
    [Stage(typeof(InvertedResidual), "out = 96", Blocks = 3)]
    [Stage(typeof(InvertedResidual), "out = 160", "stride = 2", Blocks = 3)]
    [Stage(typeof(InvertedResidual), "out = 320", Blocks = 1)]
    [Block(typeof(ConvBnReLU6), "out = 1280", "kernel = 1")]
    public partial Layer Features { get; }

    /// <summary>Global average pooling and <c>torch.flatten(x, 1)</c>, as torchvision's <c>forward</c> does.</summary>
    [AdaptiveAvgPool2d(1), Flatten] public partial Layer Pool { get; }

    /// <summary>torchvision's <c>classifier</c>: Dropout(0.2), Linear(1280, 1000).</summary>
    [Dropout(0.2), Linear(1000)] public partial Layer Classifier { get; }
}
