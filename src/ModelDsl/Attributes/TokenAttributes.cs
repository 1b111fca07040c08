namespace ModelDsl;

/// <summary>
/// ViT's patch embedding on an image [C, H, W]: a <paramref name="patch"/>×<paramref name="patch"/> convolution with
/// stride <paramref name="patch"/> to <paramref name="dim"/> channels, flattened to tokens [H/p · W/p, dim]
/// (torchvision's <c>conv_proj</c>: <c>weight</c>, <c>bias</c>). C is inferred.
/// </summary>
/// <param name="dim">Token width: a number or an expression.</param>
/// <param name="patch">Patch size (kernel and stride); H and W must divide by it.</param>
public sealed class PatchEmbeddingAttribute(object dim, object patch) : LayerAttribute
{
    /// <summary>Token width.</summary>
    public object Dim { get; } = dim;

    /// <summary>Patch size.</summary>
    public object Patch { get; } = patch;

    /// <summary>Whether the convolution has a bias; true by default.</summary>
    public bool Bias { get; set; } = true;
}

/// <summary>
/// Prepends a learned class token to tokens [T, D], giving [T + 1, D]. The token is a bare parameter [1, 1, D] of the
/// enclosing module, named by the property (ViT's <c>class_token</c>), not a submodule.
/// </summary>
public sealed class ClassTokenAttribute : LayerAttribute
{
}

/// <summary>
/// Adds a learned position embedding to tokens [T, D]: position t gets row t. With <see cref="Layout"/>
/// <c>"parameter"</c> (default) it is a bare parameter [1, MaxLen, D] of the enclosing module named by the property
/// (ViT's <c>encoder.pos_embedding</c>); with <c>"embedding"</c> an <c>nn.Embedding(MaxLen, D)</c> (GPT-2's <c>wpe.weight</c>).
/// </summary>
public sealed class PositionEmbeddingAttribute : LayerAttribute
{
    /// <summary>Positions available; by default the sequence length T that reaches the layer.</summary>
    public object? MaxLen { get; set; }

    /// <summary><c>"parameter"</c> (default) or <c>"embedding"</c>.</summary>
    public string Layout { get; set; } = "parameter";
}

/// <summary>Selects one token of [T, D], giving [D] (ViT classifies its class token, <c>x[:, 0]</c>).</summary>
public sealed class TakeTokenAttribute : LayerAttribute
{
    /// <summary>The token taken; 0 by default.</summary>
    public object? Index { get; set; }
}

/// <summary>
/// A linear head sharing the weight [V, D] of an earlier <see cref="EmbeddingAttribute">Embedding</see> (GPT-2's tied
/// <c>lm_head</c>): [.., D] to [.., V]. It owns no parameter; the state dict lists the shared tensor under both names,
/// as PyTorch's <c>state_dict()</c> does, and the parameter count counts it once.
/// </summary>
/// <param name="tiedTo">The state-dict path of the embedding, e.g. <c>"transformer.wte"</c>.</param>
public sealed class TiedLinearAttribute(string tiedTo) : LayerAttribute
{
    /// <summary>The embedding's path.</summary>
    public string TiedTo { get; } = tiedTo;

    /// <summary>Whether the head has a bias of its own; false by default.</summary>
    public bool Bias { get; set; }
}

/// <summary>
/// Reorders the per-sample dimensions (torchvision's <c>Permute</c>, the batch staying first): <c>[Permute(1, 2, 0)]</c>
/// makes an image [C, H, W] channels-last [H, W, C] (Swin's patch embedding), <c>[Permute(2, 0, 1)]</c> turns it back.
/// </summary>
public sealed class PermuteAttribute : LayerAttribute
{
    /// <summary>Reorders a rank-2 sample: output dimension i is input dimension dim_i.</summary>
    /// <param name="dim0">The input dimension that becomes the first.</param>
    /// <param name="dim1">The input dimension that becomes the second.</param>
    public PermuteAttribute(object dim0, object dim1) => (Dim0, Dim1) = (dim0, dim1);

    /// <summary>Reorders a rank-3 sample: output dimension i is input dimension dim_i.</summary>
    /// <param name="dim0">The input dimension that becomes the first.</param>
    /// <param name="dim1">The input dimension that becomes the second.</param>
    /// <param name="dim2">The input dimension that becomes the third.</param>
    public PermuteAttribute(object dim0, object dim1, object dim2) => (Dim0, Dim1, Dim2) = (dim0, dim1, dim2);

    /// <summary>The input dimension that becomes the first.</summary>
    public object Dim0 { get; }

    /// <summary>The input dimension that becomes the second.</summary>
    public object Dim1 { get; }

    /// <summary>The input dimension that becomes the third (rank 3 only).</summary>
    public object? Dim2 { get; }
}

/// <summary>
/// Swin's patch merging on channels-last [H, W, C]: each 2x2 neighbourhood to 4C, <c>reduction</c> (a Linear to 2C
/// without bias) and a LayerNorm <c>norm</c> — after the reduction, as torchvision's <c>PatchMergingV2</c>, or before it
/// with <see cref="NormFirst"/> (<c>PatchMerging</c>, Swin V1). Output [⌈H/2⌉, ⌈W/2⌉, 2C].
/// </summary>
public sealed class PatchMergingAttribute : LayerAttribute
{
    /// <summary>LayerNorm over 4C before the reduction (Swin V1) instead of over 2C after it (V2, the default).</summary>
    public bool NormFirst { get; set; }

    /// <summary>The Linear's name; <c>reduction</c> by default.</summary>
    public string? ReductionName { get; set; }

    /// <summary>The LayerNorm's name; <c>norm</c> by default.</summary>
    public string? NormName { get; set; }
}

/// <summary>
/// Swin V2's window attention on channels-last [H, W, C] (torchvision's <c>ShiftedWindowAttentionV2</c>): windows of
/// <see cref="Window"/> × <see cref="Window"/> tokens (the map padded to whole windows), every second Swin block shifted
/// by half a window (<see cref="Shift"/>), cosine attention with a learned logit scale and a continuous relative
/// position bias; parameters <c>qkv</c>, <c>proj</c>, <c>logit_scale</c>, <c>cpb_mlp</c>.
/// </summary>
/// <param name="heads">Attention heads, dividing the width.</param>
public sealed class ShiftedWindowAttentionV2Attribute(object heads) : LayerAttribute
{
    /// <summary>Attention heads.</summary>
    public object Heads { get; } = heads;

    /// <summary>Window height and width in tokens; 8 by default (swin_v2_t).</summary>
    public object? Window { get; set; }

    /// <summary>The cyclic shift, below the window; 0 by default (torchvision: window / 2 in every second block).</summary>
    public object? Shift { get; set; }

    /// <summary>The query/key/value projection's name; <c>qkv</c> by default.</summary>
    public string? QkvName { get; set; }

    /// <summary>The output projection's name; <c>proj</c> by default.</summary>
    public string? ProjName { get; set; }

    /// <summary>The position bias MLP's name (its layers stay <c>0</c> and <c>2</c>); <c>cpb_mlp</c> by default.</summary>
    public string? CpbMlpName { get; set; }
}
