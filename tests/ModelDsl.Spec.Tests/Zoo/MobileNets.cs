using ModelDsl.Spec;
using static ModelDsl.Spec.LayerKind;

namespace ModelDsl.Spec.Tests.Zoo;

/// <summary>torchvision's mobilenet_v2 as a spec, with torchvision's flat <c>features.N</c> numbering.</summary>
internal static class MobileNets
{
    // InvertedResidual with expand_ratio 1 (features.1): no expansion conv, so its layers are numbered from 0.
    public static readonly BlockSpec InvertedResidualNoExpansion = new(
        "InvertedResidualNoExpansion",
        new[] { new BlockParameter("out_channels"), new BlockParameter("stride", "1") },
        new[]
        {
            LayerSpec.Residual(
                "if-same",
                LayerSpec.Sequential(
                    "conv",
                    ConvBnReLU6(("depthwise", true), ("kernel", 3), ("stride", "stride"), ("padding", 1)),
                    new LayerSpec(null, Conv2d, ("out", "out_channels"), ("kernel", 1), ("bias", false)),
                    new LayerSpec(null, BatchNorm2d))),
        });

    // InvertedResidual: 1x1 expand → 3x3 depthwise(stride) → 1x1 linear projection; residual only when the
    // shape is kept (torchvision's use_res_connect = stride == 1 and inp == oup).
    public static readonly BlockSpec InvertedResidual = new(
        "InvertedResidual",
        new[] { new BlockParameter("out_channels"), new BlockParameter("stride", "1"), new BlockParameter("expansion", "6") },
        new[]
        {
            LayerSpec.Residual(
                "if-same",
                LayerSpec.Sequential(
                    "conv",
                    ConvBnReLU6(("out", "in_channels * expansion"), ("kernel", 1)),
                    ConvBnReLU6(("depthwise", true), ("kernel", 3), ("stride", "stride"), ("padding", 1)),
                    new LayerSpec(null, Conv2d, ("out", "out_channels"), ("kernel", 1), ("bias", false)),
                    new LayerSpec(null, BatchNorm2d))),
        });

    public static ModelSpec MobileNetV2()
    {
        var features = new List<LayerSpec>
        {
            ConvBnReLU6(("out", 32), ("kernel", 3), ("stride", 2), ("padding", 1)),
            new(null, Block, ("block", "InvertedResidualNoExpansion"), ("out_channels", 16), ("stride", 1)),
        };

        // torchvision's inverted_residual_setting (t, c, n, s) after the first row.
        int[][] settings = [[6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];
        foreach (var s in settings)
        {
            features.Add(new LayerSpec(null, Stage, ("block", "InvertedResidual"), ("blocks", s[2]), ("out_channels", s[1]), ("stride", s[3]), ("expansion", s[0])));
        }

        features.Add(ConvBnReLU6(("out", 1280), ("kernel", 1)));
        return new ModelSpec(
            "MobileNetV2",
            InputSpec.Image(3, 224, 224),
            new[]
            {
                LayerSpec.Sequential("features", features.ToArray()),
                new LayerSpec("avgpool", AdaptiveAvgPool2d, ("size", 1)),
                new LayerSpec("flatten", Flatten),
                LayerSpec.Sequential("classifier", new LayerSpec(null, Dropout, ("p", 0.2)), new LayerSpec(null, Linear, ("out", 1000))),
            },
            new[] { InvertedResidualNoExpansion, InvertedResidual });
    }

    // torchvision's Conv2dNormActivation: conv (no bias) → BatchNorm2d → ReLU6, numbered .0 .1 .2.
    private static LayerSpec ConvBnReLU6(params Arg[] convArgs) => LayerSpec.Sequential(
        null,
        new LayerSpec(null, Conv2d, convArgs.Append(("bias", false)).ToArray()),
        new LayerSpec(null, BatchNorm2d),
        new LayerSpec(null, ReLU6));
}
