namespace ModelDsl.Zoo.Decoders;

/// <summary>
/// GPT-2 small as nanoGPT's <c>GPT</c> in its <c>bias=False</c> configuration (T = 1024, V = 50,257, 12 layers, 12
/// heads, width 768), key for key: <c>transformer.wte</c>, <c>transformer.wpe</c> (positions 0 … T − 1),
/// <c>transformer.h.{i}</c>, <c>transformer.ln_f</c>, and <c>lm_head</c> tied to <c>wte</c> (no weight of its own).
/// 145,824,153,600 MACs (nanoGPT's 291,648,307,200 matmul FLOPs / 2) and 124,337,664 parameters.
/// </summary>
/// <remarks>
/// The state dict lists the tied tensor under both <c>transformer.wte.weight</c> and <c>lm_head.weight</c>, as
/// PyTorch's <c>state_dict()</c> of nanoGPT does, so nanoGPT's state dicts load strictly and ours load into nanoGPT;
/// <c>parameters()</c> yields it once, so the parameter count and an optimiser see one tensor. <c>forward</c> returns
/// the logits of every position ([N, T, V], nanoGPT's training-time output).
/// </remarks>
[Model(SequenceLength = 1024, Vocabulary = 50257)]
public partial class Gpt2Small
{
    /// <summary>nanoGPT's <c>transformer</c>: embeddings, dropout, twelve blocks, final norm.</summary>
    [Embedding(768, Name = "wte"), PositionEmbedding(Layout = "embedding", Name = "wpe"), Dropout(0.0, Name = "drop"),
     Stage(typeof(Gpt2Block), "heads = 12", Blocks = 12, Name = "h"), LayerNorm(Bias = false, Name = "ln_f")]
    public partial Layer Transformer { get; }

    /// <summary>The language-model head, tied to the token embedding.</summary>
    [TiedLinear("transformer.wte")] public partial Layer LmHead { get; }
}

/// <summary>
/// The same architecture as <see cref="Gpt2Small"/> at a size a parity test runs in a second: 2 layers, 4 heads, width
/// 64, T = 16, V = 97.
/// </summary>
[Model(SequenceLength = 16, Vocabulary = 97)]
public partial class Gpt2Tiny
{
    /// <summary>nanoGPT's <c>transformer</c>.</summary>
    [Embedding(64, Name = "wte"), PositionEmbedding(Layout = "embedding", Name = "wpe"), Dropout(0.0, Name = "drop"),
     Stage(typeof(Gpt2Block), "heads = 4", Blocks = 2, Name = "h"), LayerNorm(Bias = false, Name = "ln_f")]
    public partial Layer Transformer { get; }

    /// <summary>The tied head.</summary>
    [TiedLinear("transformer.wte")] public partial Layer LmHead { get; }
}
