using ModelDsl;
using ModelDsl.Zoo.Decoders;

namespace ModelDsl.QuantSpeed;

/// <summary>A transformer MLP block at width 1024 (nanoGPT's MLP without biases: 1024 → 4096, GELU, → 1024), per token.</summary>
[Model(InputShape = [1024])]
[Variant("Int8", Weights = Precision.Int8)]
[Variant("Int4", Weights = Precision.Int4)]
public partial class MlpBlock
{
    /// <summary>The zoo's GPT-2 MLP block.</summary>
    [Block(typeof(Gpt2Mlp))] public partial Layer Mlp { get; }
}
