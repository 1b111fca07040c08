using ModelDsl.Spec;
using static ModelDsl.Spec.LayerKind;

namespace ModelDsl.Spec.Tests.Zoo;

/// <summary>torchvision's ResNet family as specs: two blocks, four stages, names as torchvision's state dict.</summary>
internal static class ResNets
{
    // torchvision.models.resnet.BasicBlock: conv3x3(stride) → bn → relu → conv3x3 → bn, + shortcut, relu.
    public static readonly BlockSpec BasicBlock = new(
        "BasicBlock",
        new[] { new BlockParameter("planes"), new BlockParameter("stride", "1") },
        new[]
        {
            LayerSpec.Residual(
                "projection",
                new LayerSpec("conv1", Conv2d, ("out", "planes"), ("kernel", 3), ("stride", "stride"), ("padding", 1), ("bias", false)),
                new LayerSpec("bn1", BatchNorm2d),
                new LayerSpec("relu", ReLU),
                new LayerSpec("conv2", Conv2d, ("out", "planes"), ("kernel", 3), ("padding", 1), ("bias", false)),
                new LayerSpec("bn2", BatchNorm2d)),
            new LayerSpec("relu", ReLU),
        });

    // torchvision's Bottleneck (v1.5: the stride sits on the 3x3 conv), expansion 4.
    public static readonly BlockSpec Bottleneck = new(
        "Bottleneck",
        new[] { new BlockParameter("planes"), new BlockParameter("stride", "1") },
        new[]
        {
            LayerSpec.Residual(
                "projection",
                new LayerSpec("conv1", Conv2d, ("out", "planes"), ("kernel", 1), ("bias", false)),
                new LayerSpec("bn1", BatchNorm2d),
                new LayerSpec("relu", ReLU),
                new LayerSpec("conv2", Conv2d, ("out", "planes"), ("kernel", 3), ("stride", "stride"), ("padding", 1), ("bias", false)),
                new LayerSpec("bn2", BatchNorm2d),
                new LayerSpec("relu", ReLU),
                new LayerSpec("conv3", Conv2d, ("out", "planes * 4"), ("kernel", 1), ("bias", false)),
                new LayerSpec("bn3", BatchNorm2d)),
            new LayerSpec("relu", ReLU),
        });

    public static ModelSpec ResNet18() => ResNet("ResNet18", "BasicBlock", 2, 2, 2, 2);

    public static ModelSpec ResNet50() => ResNet("ResNet50", "Bottleneck", 3, 4, 6, 3);

    public static ModelSpec ResNet(string name, string block, params int[] depths) => new(
        name,
        InputSpec.Image(3, 224, 224),
        new[]
        {
            new LayerSpec("conv1", Conv2d, ("out", 64), ("kernel", 7), ("stride", 2), ("padding", 3), ("bias", false)),
            new LayerSpec("bn1", BatchNorm2d),
            new LayerSpec("relu", ReLU),
            new LayerSpec("maxpool", MaxPool2d, ("kernel", 3), ("stride", 2), ("padding", 1)),
            Stage("layer1", block, depths[0], planes: 64, stride: 1),
            Stage("layer2", block, depths[1], planes: 128, stride: 2),
            Stage("layer3", block, depths[2], planes: 256, stride: 2),
            Stage("layer4", block, depths[3], planes: 512, stride: 2),
            new LayerSpec("avgpool", AdaptiveAvgPool2d, ("size", 1)),
            new LayerSpec("flatten", Flatten),
            new LayerSpec("fc", Linear, ("out", 1000)),
        },
        new[] { BasicBlock, Bottleneck });

    private static LayerSpec Stage(string name, string block, int blocks, int planes, int stride) =>
        new(name, LayerKind.Stage, ("block", block), ("blocks", blocks), ("planes", planes), ("stride", stride));
}
