namespace ModelDsl.Zoo.ResNets;

/// <summary>
/// torchvision's <c>Bottleneck</c> (ResNet-50/101/152, v1.5: the stride sits on the 3x3 convolution): 1x1 reduce,
/// 3x3, 1x1 expand to <c>planes * 4</c>, around a residual with an inferred projection.
/// </summary>
[Block("planes", "stride = 1")]
[Residual(Shortcut.Projection, Through = nameof(Bn3))]
public partial class Bottleneck
{
    /// <summary>1x1 reduction to <c>planes</c> channels.</summary>
    [Conv2d("planes", Kernel = 1, Bias = false)] public partial Layer Conv1 { get; }

    /// <summary>Batch norm after <see cref="Conv1"/>.</summary>
    [BatchNorm2d] public partial Layer Bn1 { get; }

    /// <summary>Activation.</summary>
    [ReLU] public partial Layer Relu1 { get; }

    /// <summary>3x3 convolution with the block's stride.</summary>
    [Conv2d("planes", Kernel = 3, Stride = "stride", Padding = 1, Bias = false)] public partial Layer Conv2 { get; }

    /// <summary>Batch norm after <see cref="Conv2"/>.</summary>
    [BatchNorm2d] public partial Layer Bn2 { get; }

    /// <summary>Activation.</summary>
    [ReLU] public partial Layer Relu2 { get; }

    /// <summary>1x1 expansion to <c>planes * 4</c> channels.</summary>
    [Conv2d("planes * 4", Kernel = 1, Bias = false)] public partial Layer Conv3 { get; }

    /// <summary>Batch norm closing the branch.</summary>
    [BatchNorm2d] public partial Layer Bn3 { get; }

    /// <summary>Activation after the residual add.</summary>
    [ReLU] public partial Layer Out { get; }
}
