namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>A ViT encoder layer in small: pre-norm attention and a GELU MLP, each in its own residual.</summary>
[Block("heads", "hidden = in_channels * 4")]
[Residual(From = nameof(Ln1), Through = nameof(Attention))]
[Residual(From = nameof(Ln2), Through = nameof(Mlp))]
public partial class TinyEncoderLayer
{
    /// <summary>Norm before attention.</summary>
    [LayerNorm(Name = "ln_1")] public partial Layer Ln1 { get; }

    /// <summary>Self-attention.</summary>
    [MultiheadAttention("heads")] public partial Layer Attention { get; }

    /// <summary>Norm before the MLP.</summary>
    [LayerNorm(Name = "ln_2")] public partial Layer Ln2 { get; }

    /// <summary>The MLP (mlp.0, mlp.2).</summary>
    [Linear("hidden"), GELU, Linear("in_channels")] public partial Layer Mlp { get; }
}

/// <summary>
/// A ViT in small: 4x4 patches of a 16x16 image (16 tokens of width 16), a class token, two encoder layers of 4
/// heads (head width 4, MLP 64), a classifier on the class token. Half keeps 2 heads and 32 hidden neurons per layer.
/// </summary>
[Model(InputShape = [3, 16, 16])]
[Variant("Half", KeepHeads = 0.5, KeepHidden = 0.5)]
[Variant("Heads", KeepHeads = 0.25)]
public partial class TinyVit
{
    /// <summary>Patches to tokens.</summary>
    [PatchEmbedding(16, 4)] public partial Layer ConvProj { get; }

    /// <summary>The class token.</summary>
    [ClassToken] public partial Layer ClassToken { get; }

    /// <summary>Position embedding.</summary>
    [PositionEmbedding] public partial Layer PosEmbedding { get; }

    /// <summary>Two encoder layers.</summary>
    [Stage(typeof(TinyEncoderLayer), "heads = 4", Blocks = 2)] public partial Layer Layers { get; }

    /// <summary>Final norm.</summary>
    [LayerNorm] public partial Layer Ln { get; }

    /// <summary>Classifier on the class token.</summary>
    [TakeToken, Linear(10)] public partial Layer Head { get; }
}
