namespace ModelDsl.Zoo.Swin;

/// <summary>
/// torchvision's <c>swin_v2_t</c> at its 256x256 evaluation size: patch embedding to 96 channels, four stages of
/// 2, 2, 6, 2 Swin V2 blocks (3, 6, 12, 24 heads, 8x8 windows) with patch merging between them, all on channels-last
/// tokens [H, W, C]; then LayerNorm, back to [C, H, W], pooling and the head. Names as torchvision's
/// (<c>features.1.0.attn.cpb_mlp.0</c>, <c>features.2.reduction</c> …).
/// </summary>
[Model(InputShape = [3, 256, 256])]
public partial class SwinV2T
{
    /// <summary>torchvision's <c>features</c>.</summary>
    [Block(typeof(SwinPatchEmbedding), "dim = 96")]
    [Block(typeof(SwinStage2), "dim = 96", "heads = 3")]
    [PatchMerging]
    [Block(typeof(SwinStage2), "dim = 192", "heads = 6")]
    [PatchMerging]
    [Block(typeof(SwinStage6), "dim = 384", "heads = 12")]
    [PatchMerging]
    [Block(typeof(SwinStage2), "dim = 768", "heads = 24")]
    public partial Layer Features { get; }

    /// <summary>The final LayerNorm over the channels.</summary>
    [LayerNorm] public partial Layer Norm { get; }

    /// <summary>[H, W, C] back to [C, H, W] (torchvision's <c>Permute([0, 3, 1, 2])</c>).</summary>
    [Permute(2, 0, 1)] public partial Layer Permute { get; }

    /// <summary>Global average pooling, flattened.</summary>
    [AdaptiveAvgPool2d(1), Flatten] public partial Layer Avgpool { get; }

    /// <summary>torchvision's <c>head</c>.</summary>
    [Linear(1000)] public partial Layer Head { get; }
}
