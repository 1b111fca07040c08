namespace ModelDsl.Zoo.Decoders;

/// <summary>
/// The transformer body of GPT-2 small (nanoGPT's <c>transformer.h</c> and <c>transformer.ln_f</c>: 12 layers, 12 heads,
/// width 768, no biases) on 1024 embedded tokens; <see cref="Gpt2Small"/> is the whole model with the token and
/// position embeddings and the tied head.
/// </summary>
[Model(InputShape = [1024, 768])]
public partial class Gpt2Body
{
    /// <summary>Twelve decoder layers (<c>h.0</c> … <c>h.11</c>).</summary>
    [Stage(typeof(Gpt2Block), "heads = 12", Blocks = 12)] public partial Layer H { get; }

    /// <summary>Final norm (<c>ln_f</c>).</summary>
    [LayerNorm(Bias = false)] public partial Layer LnF { get; }
}
