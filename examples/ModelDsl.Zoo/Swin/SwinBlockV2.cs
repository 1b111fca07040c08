namespace ModelDsl.Zoo.Swin;

/// <summary>
/// torchvision's <c>SwinTransformerBlockV2</c> on channels-last [H, W, dim]: residual post-norm,
/// <c>x + norm1(attn(x))</c> then <c>x + norm2(mlp(x))</c> (stochastic depth is the identity at inference).
/// </summary>
[Block("dim", "heads", "shift = 0", "window = 8")]
[Residual(From = nameof(Attn), Through = nameof(Norm1))]
[Residual(From = nameof(Mlp), Through = nameof(Norm2))]
public partial class SwinBlockV2
{
    /// <summary>(Shifted) window attention.</summary>
    [ShiftedWindowAttentionV2("heads", Window = "window", Shift = "shift")] public partial Layer Attn { get; }

    /// <summary>Post-norm of the attention branch.</summary>
    [LayerNorm] public partial Layer Norm1 { get; }

    /// <summary>torchvision's <c>MLP</c>: Linear to 4·dim, GELU, (Dropout), Linear back, as <c>mlp.0</c> and <c>mlp.3</c>.</summary>
    [Linear("dim * 4"), GELU, Linear("dim", Name = "3")] public partial Layer Mlp { get; }

    /// <summary>Post-norm of the MLP branch.</summary>
    [LayerNorm] public partial Layer Norm2 { get; }
}
