namespace ModelDsl.Zoo.Decoders;

/// <summary>nanoGPT's <c>MLP</c>: <c>c_fc</c> to four times the width, GELU, <c>c_proj</c> back; no biases.</summary>
[Block]
public partial class Gpt2Mlp
{
    /// <summary>Expansion (<c>c_fc</c>).</summary>
    [Linear("in_channels * 4", Bias = false)] public partial Layer CFc { get; }

    /// <summary>GELU.</summary>
    [GELU] public partial Layer Gelu { get; }

    /// <summary>Projection (<c>c_proj</c>).</summary>
    [Linear("in_channels", Bias = false)] public partial Layer CProj { get; }
}

/// <summary>
/// nanoGPT's <c>Block</c> in its <c>bias=False</c> configuration: pre-norm causal self-attention and MLP, each inside a
/// residual; LayerNorms without bias.
/// </summary>
[Block("heads")]
[Residual(From = nameof(Ln1), Through = nameof(Attn))]
[Residual(From = nameof(Ln2), Through = nameof(Mlp))]
public partial class Gpt2Block
{
    /// <summary>Norm before attention (<c>ln_1</c>).</summary>
    [LayerNorm(Bias = false, Name = "ln_1")] public partial Layer Ln1 { get; }

    /// <summary>Causal self-attention (<c>attn.c_attn</c>, <c>attn.c_proj</c>).</summary>
    [CausalSelfAttention("heads", Bias = false)] public partial Layer Attn { get; }

    /// <summary>Norm before the MLP (<c>ln_2</c>).</summary>
    [LayerNorm(Bias = false, Name = "ln_2")] public partial Layer Ln2 { get; }

    /// <summary>The MLP.</summary>
    [Block(typeof(Gpt2Mlp))] public partial Layer Mlp { get; }
}
