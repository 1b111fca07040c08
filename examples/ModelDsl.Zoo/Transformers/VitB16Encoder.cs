namespace ModelDsl.Zoo.Transformers;

/// <summary>
/// The transformer encoder of torchvision's <c>vit_b_16</c> on its 197 tokens of width 768 (12 layers, 12 heads,
/// MLP 3072), named as torchvision's <c>encoder</c> module (<c>layers.encoder_layer_0.ln_1.weight</c> …) less its
/// position embedding; <see cref="VitB16"/> is the whole model.
/// </summary>
[Model(InputShape = [197, 768])]
public partial class VitB16Encoder
{
    /// <summary>Twelve encoder layers.</summary>
    [Stage(typeof(EncoderLayer), "heads = 12", Blocks = 12, Item = "encoder_layer_{i}")] public partial Layer Layers { get; }

    /// <summary>Final norm (eps 1e-6, as torchvision).</summary>
    [LayerNorm(Eps = 1e-6)] public partial Layer Ln { get; }
}
