namespace ModelDsl.Zoo.Transformers;

/// <summary>
/// torchvision's <c>Encoder</c> of ViT-B/16: the position embedding (a bare parameter <c>pos_embedding</c>
/// [1, 197, 768]), dropout, twelve encoder layers (<c>layers.encoder_layer_{i}</c>) and the final norm <c>ln</c>.
/// </summary>
[Block]
public partial class VitEncoder
{
    /// <summary>Learned position embedding added to the 197 tokens (<c>pos_embedding</c>).</summary>
    [PositionEmbedding] public partial Layer PosEmbedding { get; }

    /// <summary>Dropout after the position embedding.</summary>
    [Dropout(0.0)] public partial Layer Dropout { get; }

    /// <summary>Twelve encoder layers with 12 heads.</summary>
    [Stage(typeof(EncoderLayer), "heads = 12", Blocks = 12, Item = "encoder_layer_{i}")] public partial Layer Layers { get; }

    /// <summary>Final norm (eps 1e-6, as torchvision).</summary>
    [LayerNorm(Eps = 1e-6)] public partial Layer Ln { get; }
}

/// <summary>
/// torchvision's <c>vit_b_16</c> for 224x224 images, key for key: <c>conv_proj</c> cuts 16x16 patches into 196 tokens of
/// width 768, the model's own <c>class_token</c> parameter is prepended, the <c>encoder</c> adds its
/// <c>pos_embedding</c> and runs 12 layers, and <c>heads.head</c> classifies the class token (17.56 GMACs, 86.57 M
/// parameters, as torchvision publishes). <c>VitB16Half</c> keeps 6 of each layer's 12 heads and 1536 of its 3072 MLP
/// neurons (the model width 768 stays): about half the MACs.
/// </summary>
[Model(InputShape = [3, 224, 224])]
[Variant("Half", KeepHeads = 0.5, KeepHidden = 0.5)]
public partial class VitB16
{
    /// <summary>16x16 patches to 768-wide tokens (<c>conv_proj</c>).</summary>
    [PatchEmbedding(768, 16)] public partial Layer ConvProj { get; }

    /// <summary>The learned class token, a parameter of the model itself (<c>class_token</c> [1, 1, 768]).</summary>
    [ClassToken] public partial Layer ClassToken { get; }

    /// <summary>The encoder (<c>encoder.pos_embedding</c>, <c>encoder.layers</c>, <c>encoder.ln</c>).</summary>
    [Block(typeof(VitEncoder))] public partial Layer Encoder { get; }

    /// <summary>
    /// torchvision's <c>x[:, 0]</c> then <c>heads</c>: the class token is taken by the first (weightless) element, the
    /// 1000-class classifier is <c>heads.head</c>.
    /// </summary>
    [TakeToken, Linear(1000, Name = "head")] public partial Layer Heads { get; }
}
