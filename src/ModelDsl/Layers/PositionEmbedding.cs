using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Adds a learned position embedding held as an <c>nn.Embedding(maxLength, D)</c> table (GPT-2's <c>wpe</c>: state
/// dict <c>weight</c> [maxLength, D]) to tokens [N, T, D] or [T, D]: position t gets row t, t = 0 … T − 1.
/// </summary>
public sealed class PositionEmbedding : LayerBase
{
    /// <summary>Creates the table with N(0, 1) rows, as <c>nn.Embedding</c>.</summary>
    public PositionEmbedding(long maxLength, long dim) : base(nameof(PositionEmbedding))
    {
        (MaxLength, Dim) = (maxLength, dim);
        var weight = RegisterParameter("weight", empty(maxLength, dim));
        using var noGrad = no_grad();
        nn.init.normal_(weight);
    }

    /// <summary>Positions available.</summary>
    public long MaxLength { get; }

    /// <summary>Token width.</summary>
    public long Dim { get; }

    /// <summary>[maxLength, D].</summary>
    public Parameter Weight => ParameterNamed("weight");

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() is not (2 or 3) || input.shape[^2] > MaxLength || input.shape[^1] != Dim)
        {
            throw ShapeError($"[N, T ≤ {MaxLength}, {Dim}]", input);
        }
        using var used = Weight.narrow(0, 0, input.shape[^2]);
        return input + used;
    }
}
