using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Adds a learned position embedding stored as a bare parameter [1, maxLength, D] to tokens [N, T, D], T ≤ maxLength
/// (ViT's <c>encoder.pos_embedding</c>; N(0, 0.02²) initially, as torchvision).
/// </summary>
public sealed class PositionParameter : ParameterLayer
{
    /// <summary>Creates the embedding for up to <paramref name="maxLength"/> positions of width <paramref name="dim"/>.</summary>
    public PositionParameter(long maxLength, long dim) : base(nameof(PositionParameter), "pos_embedding", empty(1, maxLength, dim))
    {
        (MaxLength, Dim) = (maxLength, dim);
        using var noGrad = no_grad();
        nn.init.normal_(Parameter, std: 0.02);
    }

    /// <summary>Positions available.</summary>
    public long MaxLength { get; }

    /// <summary>Token width.</summary>
    public long Dim { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 3 || input.shape[1] > MaxLength || input.shape[2] != Dim)
        {
            throw ShapeError($"[N, T ≤ {MaxLength}, {Dim}]", input);
        }
        using var used = Parameter.narrow(1, 0, input.shape[1]);
        return input + used;
    }
}
