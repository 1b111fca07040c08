namespace ModelDsl.Zoo.Transformers;

/// <summary>
/// torchvision's ViT <c>EncoderBlock</c>: pre-norm self-attention and a GELU MLP, each inside its own residual.
/// The MLP width defaults to four times the input width.
/// </summary>
[Block("heads", "hidden = in_channels * 4")]
[Residual(From = nameof(Ln1), Through = nameof(Dropout))]
[Residual(From = nameof(Ln2), Through = nameof(Mlp))]
public partial class EncoderLayer
{
    /// <summary>Norm before attention (torchvision's <c>ln_1</c>).</summary>
    [LayerNorm(Eps = 1e-6, Name = "ln_1")] public partial Layer Ln1 { get; }

    /// <summary>Multi-head self-attention (<c>nn.MultiheadAttention</c>, batch first).</summary>
    [MultiheadAttention("heads")] public partial Layer SelfAttention { get; }

    /// <summary>Dropout after attention.</summary>
    [Dropout(0.0)] public partial Layer Dropout { get; }

    /// <summary>Norm before the MLP (<c>ln_2</c>).</summary>
    [LayerNorm(Eps = 1e-6, Name = "ln_2")] public partial Layer Ln2 { get; }

    /// <summary>torchvision's <c>MLPBlock</c>: Linear, GELU, Dropout, Linear, Dropout (<c>mlp.0</c>, <c>mlp.3</c>).</summary>
    [Linear("hidden"), GELU, Dropout(0.0), Linear("in_channels"), Dropout(0.0)] public partial Layer Mlp { get; }
}
