using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>Selects token <see cref="Index"/> of [N, T, D], giving [N, D] (ViT's <c>x[:, 0]</c>).</summary>
public sealed class TakeToken(long index = 0) : LayerBase(nameof(TakeToken))
{
    /// <summary>The token taken.</summary>
    public long Index { get; } = index;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 3 || Index >= input.shape[1])
        {
            throw ShapeError($"[N, T > {Index}, D]", input);
        }
        return input.select(1, Index);
    }
}
