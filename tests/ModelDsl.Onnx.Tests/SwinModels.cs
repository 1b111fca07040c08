using ModelDsl.Zoo.Swin;

namespace ModelDsl.Onnx.Tests;

// Swin V2 declared small with the zoo's own blocks, so that each case of the window layout is met: a map that is not a
// multiple of the window (padded), a shifted block on it, a window that covers the map along one axis only (no shift
// there), patch merging of an even and of an odd map, and Swin V1's norm-first merging.

/// <summary>
/// 40×40 images: the patch embedding to 16 channels on a 10×10 map, which 4×4 windows pad to 12×12; a plain and a shifted
/// block there; patch merging to 5×5 (padded to 8×8 by the next block's windows, and shifted); patch merging of that odd
/// map (padded to 6×6) to 3×3; the head.
/// </summary>
[Model(InputShape = [3, 40, 40])]
public partial class SmallSwin
{
    [Block(typeof(SwinPatchEmbedding), "dim = 16")]
    [Block(typeof(SwinBlockV2), "dim = 16", "heads = 2", "window = 4")]
    [Block(typeof(SwinBlockV2), "dim = 16", "heads = 2", "window = 4", "shift = 2")]
    [PatchMerging]
    [Block(typeof(SwinBlockV2), "dim = 32", "heads = 4", "window = 4", "shift = 2")]
    [PatchMerging]
    public partial Layer Features { get; }

    [LayerNorm, Permute(2, 0, 1), AdaptiveAvgPool2d(1), Flatten, Linear(10)] public partial Layer Head { get; }
}

/// <summary>
/// 32×64 images: an 8×16 map under 8×8 windows shifted by 4, so the window covers the height (not shifted there) and the
/// width is shifted; then Swin V1's patch merging (LayerNorm over 4C before the reduction).
/// </summary>
[Model(InputShape = [3, 32, 64])]
public partial class WideSwin
{
    [Block(typeof(SwinPatchEmbedding), "dim = 16")]
    [Block(typeof(SwinBlockV2), "dim = 16", "heads = 2", "shift = 4")]
    [PatchMerging(NormFirst = true)]
    public partial Layer Features { get; }

    [LayerNorm, Permute(2, 0, 1), AdaptiveAvgPool2d(1), Flatten, Linear(10)] public partial Layer Head { get; }
}

/// <summary>Patch merging alone, on a channels-last 7×6×8 map: the odd height padded with a row of zeros.</summary>
[Model(InputShape = [7, 6, 8])]
public partial class MergeOnly
{
    [PatchMerging] public partial Layer Merge { get; }
}
