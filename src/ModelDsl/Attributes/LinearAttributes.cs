namespace ModelDsl;

/// <summary><c>nn.Linear</c> on the last dimension; in features are inferred.</summary>
/// <param name="outFeatures">Output features: a number or, inside a block, an expression over its parameters.</param>
public sealed class LinearAttribute(object outFeatures) : LayerAttribute
{
    /// <summary>Output features.</summary>
    public object OutFeatures { get; } = outFeatures;

    /// <summary>Whether the layer has a bias; true by default.</summary>
    public bool Bias { get; set; } = true;
}

/// <summary><c>nn.Embedding</c> of token ids; the vocabulary is the model's unless <see cref="Vocabulary"/> is set.</summary>
/// <param name="dim">Embedding width: a number or an expression.</param>
public sealed class EmbeddingAttribute(object dim) : LayerAttribute
{
    /// <summary>Embedding width.</summary>
    public object Dim { get; } = dim;

    /// <summary>Number of embeddings; by default the model's <see cref="ModelAttribute.Vocabulary"/>.</summary>
    public object? Vocabulary { get; set; }
}

/// <summary>
/// Multi-head self-attention on a sequence [T, D] (<c>nn.MultiheadAttention</c> with <c>batch_first</c>, query = key =
/// value); the width D is inferred.
/// </summary>
/// <param name="heads">Number of heads; D must divide by it.</param>
public sealed class MultiheadAttentionAttribute(object heads) : LayerAttribute
{
    /// <summary>Number of heads.</summary>
    public object Heads { get; } = heads;

    /// <summary>Masks future positions (decoder self-attention).</summary>
    public bool Causal { get; set; }

    /// <summary>Whether the projections have biases; true by default.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>
    /// The packed query/key/value projection as a Linear of this name (<c>"qkv"</c>: <c>qkv.weight</c>, <c>qkv.bias</c>,
    /// timm's layout) instead of <c>nn.MultiheadAttention</c>'s bare <c>in_proj_weight</c>/<c>in_proj_bias</c>.
    /// </summary>
    public string? QkvName { get; set; }

    /// <summary>The output projection's name; <c>out_proj</c> by default (timm: <c>"proj"</c>).</summary>
    public string? ProjName { get; set; }
}

/// <summary>
/// Causal multi-head self-attention on a sequence [T, D] in nanoGPT's layout (<c>c_attn</c> packing q, k, v and
/// <c>c_proj</c>, as GPT-2's checkpoints name them); the width D is inferred.
/// </summary>
/// <param name="heads">Number of heads; D must divide by it.</param>
public sealed class CausalSelfAttentionAttribute(object heads) : LayerAttribute
{
    /// <summary>Number of heads.</summary>
    public object Heads { get; } = heads;

    /// <summary>Whether the projections have biases; true by default (nanoGPT's <c>bias=False</c> configuration sets false).</summary>
    public bool Bias { get; set; } = true;

    /// <summary>The packed query/key/value projection's name; <c>c_attn</c> by default.</summary>
    public string? QkvName { get; set; }

    /// <summary>The output projection's name; <c>c_proj</c> by default.</summary>
    public string? ProjName { get; set; }
}
