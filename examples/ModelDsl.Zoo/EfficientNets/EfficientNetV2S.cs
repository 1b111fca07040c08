namespace ModelDsl.Zoo.EfficientNets;

/// <summary>
/// torchvision's <c>efficientnet_v2_s</c> at its 384x384 evaluation size: stem, three fused stages (24, 48, 64
/// channels), three MBConv stages with squeeze-excitation (128, 160, 256), a 1x1 to 1280, pooling and the classifier.
/// Stochastic depth is the identity at inference, so it is not declared; names as torchvision's
/// (<c>features.4.0.block.2.fc1</c> …).
/// </summary>
[Model(InputShape = [3, 384, 384])]
public partial class EfficientNetV2S
{
    /// <summary>torchvision's <c>features</c>: <c>features.0</c> stem, <c>features.1</c> … <c>features.6</c> stages, <c>features.7</c> head conv.</summary>
    [Block(typeof(ConvBnSiLU), "out = 24", "kernel = 3", "stride = 2")]
    [Stage(typeof(FusedConv), "out = 24", Blocks = 2, Name = "1")]
    [Stage(typeof(FusedMBConv), "out = 48", "stride = 2", Blocks = 4, Name = "2")]
    [Stage(typeof(FusedMBConv), "out = 64", "stride = 2", Blocks = 4, Name = "3")]
    [Stage(typeof(MBConv), "out = 128", "stride = 2", Blocks = 6, Name = "4")]
    [Stage(typeof(MBConv), "out = 160", "expand = 6", Blocks = 9, Name = "5")]
    [Stage(typeof(MBConv), "out = 256", "stride = 2", "expand = 6", Blocks = 15, Name = "6")]
    [Block(typeof(ConvBnSiLU), "out = 1280")]
    public partial Layer Features { get; }

    /// <summary>Global average pooling and <c>torch.flatten(x, 1)</c>.</summary>
    [AdaptiveAvgPool2d(1), Flatten] public partial Layer Avgpool { get; }

    /// <summary>torchvision's <c>classifier</c>: Dropout(0.2), Linear(1280, 1000).</summary>
    [Dropout(0.2), Linear(1000)] public partial Layer Classifier { get; }
}
