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
