using ModelDsl.Zoo.Swin;

namespace ModelDsl.Onnx.Tests;

// A shifted Swin V2 block and a Mamba block among Linears, with every variant kind that applies to them (structured
// pruning does not: MDSL3008 says a Permute, a residual tying window attention's channels or a Mamba block would read
// pruned channels). The variants compress the Linears around the two layers; the layers themselves stay dense float.

/// <summary>A padded, shifted Swin V2 block and patch merging, with its low-rank, int4, int8, 2:4 and unstructured variants.</summary>
[Model(InputShape = [3, 40, 40])]
[Variant("Lr", Rank = 4)]
[Variant("Int4", Weights = Precision.Int4)]
[Variant("Int8", Weights = Precision.Int8)]
[Variant("Nm24", Sparsity = "2:4")]
[Variant("Sparse", Prune = 0.5)]
public partial class SwinVariants
{
    [Block(typeof(SwinPatchEmbedding), "dim = 16")]
    [Block(typeof(SwinBlockV2), "dim = 16", "heads = 2", "window = 4", "shift = 2")]
    [PatchMerging]
    public partial Layer Features { get; }

    [LayerNorm, Permute(2, 0, 1), AdaptiveAvgPool2d(1), Flatten, Linear(10)] public partial Layer Head { get; }
}

/// <summary>A Mamba block between two Linears, with its low-rank, int4, int8, 2:4 and unstructured variants.</summary>
[Model(InputShape = [8, 16], Kind = InputKind.Sequence)]
[Variant("Lr", Rank = 4)]
[Variant("Int4", Weights = Precision.Int4)]
[Variant("Int8", Weights = Precision.Int8)]
[Variant("Nm24", Sparsity = "2:4")]
[Variant("Sparse", Prune = 0.5)]
public partial class MambaVariants
{
    [Linear(16)] public partial Layer Proj { get; }

    [Mamba] public partial Layer Mixer { get; }

    [Linear(16)] public partial Layer Out { get; }
}
