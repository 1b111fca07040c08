namespace ModelDsl.Zoo.RegNets;

/// <summary>
/// torchvision's <c>regnet_y_400mf</c> for 224x224 images: a stride-2 stem to 32 channels, four stages of
/// squeeze-excitation bottlenecks (widths 48, 104, 208, 440; depths 1, 3, 6, 6; group width 8), each halving the
/// resolution in its first block, then pooling and the classifier. Names as torchvision's
/// (<c>trunk_output.block2.block2-0.f.se.fc1</c> …).
/// </summary>
[Model(InputShape = [3, 224, 224])]
public partial class RegNetY400MF
{
    /// <summary>torchvision's <c>SimpleStemIN</c>: 3x3 stride 2, BatchNorm, ReLU.</summary>
    [Block(typeof(ConvBnReLU), "out = 32", "kernel = 3", "stride = 2")] public partial Layer Stem { get; }

    /// <summary>torchvision's <c>trunk_output</c>: stages <c>block1</c> … <c>block4</c> of blocks <c>blockN-i</c>.</summary>
    [Stage(typeof(ResBottleneck), "out = 48", "stride = 2", Blocks = 1, Item = "block1-{i}", Name = "block1")]
    [Stage(typeof(ResBottleneck), "out = 104", "stride = 2", Blocks = 3, Item = "block2-{i}", Name = "block2")]
    [Stage(typeof(ResBottleneck), "out = 208", "stride = 2", Blocks = 6, Item = "block3-{i}", Name = "block3")]
    [Stage(typeof(ResBottleneck), "out = 440", "stride = 2", Blocks = 6, Item = "block4-{i}", Name = "block4")]
    public partial Layer TrunkOutput { get; }

    /// <summary>Global average pooling, flattened.</summary>
    [AdaptiveAvgPool2d(1), Flatten] public partial Layer Avgpool { get; }

    /// <summary>torchvision's <c>fc</c>.</summary>
    [Linear(1000)] public partial Layer Fc { get; }
}
