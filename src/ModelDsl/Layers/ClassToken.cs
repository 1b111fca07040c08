using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>Prepends a learned class token [1, 1, D] to tokens [N, T, D], giving [N, T + 1, D] (ViT's <c>class_token</c>; zeros initially, as torchvision).</summary>
public sealed class ClassToken : ParameterLayer
{
    /// <summary>Creates the token of width <paramref name="dim"/>.</summary>
    public ClassToken(long dim) : base(nameof(ClassToken), "class_token", zeros(1, 1, dim)) => Dim = dim;

    /// <summary>Token width.</summary>
    public long Dim { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 3 || input.shape[2] != Dim)
        {
            throw ShapeError($"[N, T, {Dim}]", input);
        }
        using var token = Parameter.expand(input.shape[0], 1, Dim);
        return cat([token, input], 1);
    }
}
