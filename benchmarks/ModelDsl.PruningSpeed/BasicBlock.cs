namespace ModelDsl.PruningSpeed;

/// <summary>
/// A copy of examples/ModelDsl.Zoo/ResNets/BasicBlock.cs (a block is declared in the assembly of the model that uses it): torchvision's <c>BasicBlock</c> (ResNet-18/34): two 3x3 convolutions, the first carrying the stride, around a
/// residual whose projection (<c>downsample</c>) is inferred wherever the block changes the shape.
/// </summary>
[Block("planes", "stride = 1")]
[Residual(Shortcut.Projection, Through = nameof(Bn2))]
public partial class BasicBlock
{
    /// <summary>3x3 convolution to <c>planes</c> channels with the block's stride.</summary>
    [Conv2d("planes", Kernel = 3, Stride = "stride", Padding = 1, Bias = false)] public partial Layer Conv1 { get; }

    /// <summary>Batch norm after <see cref="Conv1"/>.</summary>
    [BatchNorm2d] public partial Layer Bn1 { get; }

    /// <summary>Activation inside the branch.</summary>
    [ReLU] public partial Layer Relu { get; }

    /// <summary>3x3 convolution.</summary>
    [Conv2d("planes", Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv2 { get; }

    /// <summary>Batch norm closing the branch.</summary>
    [BatchNorm2d] public partial Layer Bn2 { get; }

    /// <summary>Activation after the residual add (torchvision reuses <c>relu</c>; it has no weights either way).</summary>
    [ReLU] public partial Layer Out { get; }
}
