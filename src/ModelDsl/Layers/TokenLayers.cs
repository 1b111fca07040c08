namespace ModelDsl;

/// <summary>
/// Adds a learned position embedding held as an <c>nn.Embedding(maxLength, D)</c> (GPT-2's <c>wpe</c>: state-dict
/// <c>weight</c> [maxLength, D]) to tokens [N, T, D]: position t gets row t, t = 0 … T − 1.
/// </summary>
public sealed class PositionEmbedding : Layer
{
    /// <summary>Creates the table with N(0, 1) rows, as <c>nn.Embedding</c>.</summary>
    public PositionEmbedding(long maxLength, long dim)
    {
        (MaxLength, Dim) = (maxLength, dim);
        Weight = RegisterParameter("weight", Tensor.Empty([maxLength, dim]));
        Init.Normal(Weight);
    }

    /// <summary>Positions available.</summary>
    public long MaxLength { get; }

    /// <summary>Token width.</summary>
    public long Dim { get; }

    /// <summary>[maxLength, D].</summary>
    public Tensor Weight { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var shape = input.ShapeView;
        if (shape.Length is not (2 or 3) || shape[^2] > MaxLength || shape[^1] != Dim)
        {
            throw ShapeError($"[N, T ≤ {Invariant(MaxLength)}, {Invariant(Dim)}]", input);
        }

        using var used = Weight.Narrow(0, 0, shape[^2]);
        return input + used;
    }
}

/// <summary>Selects token <see cref="Index"/> of [N, T, D], giving [N, D] (ViT's <c>x[:, 0]</c>).</summary>
public sealed class TakeToken(long index = 0) : Layer
{
    /// <summary>The token taken.</summary>
    public long Index { get; } = index;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var shape = input.ShapeView;
        if (shape.Length != 3 || Index >= shape[1])
        {
            throw ShapeError($"[N, T > {Invariant(Index)}, D]", input);
        }

        return input.Select(1, Index);
    }
}

/// <summary>
/// A linear head without a weight of its own: y = x Eᵀ (+ b) with E an <see cref="Embedding"/>'s table [V, D] (GPT-2's
/// tied <c>lm_head</c>). The shared tensor is registered here as <c>weight</c> too, so the state dict lists it under
/// both names as PyTorch's <c>state_dict()</c> does, while <see cref="Module.Parameters"/> yields it once.
/// </summary>
public sealed class TiedLinear : Layer
{
    /// <summary>Ties the head to the parameter at <paramref name="weightPath"/> of <paramref name="root"/> (e.g. <c>transformer.wte.weight</c>).</summary>
    public TiedLinear(Module root, string weightPath, bool bias = false)
    {
        var weight = root.NamedParameters().Where(p => p.Name == weightPath).Select(p => p.Tensor).FirstOrDefault()
            ?? throw new ArgumentException($"TiedLinear: '{weightPath}' is not a parameter of {root.GetType().Name}", nameof(weightPath));
        Weight = RegisterParameter("weight", weight);
        var shape = weight.ShapeView;
        (OutFeatures, InFeatures) = (shape[0], shape[1]);
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Zeros([OutFeatures]));
        }
    }

    /// <summary>D.</summary>
    public long InFeatures { get; }

    /// <summary>V.</summary>
    public long OutFeatures { get; }

    /// <summary>The shared [V, D] table.</summary>
    public Tensor Weight { get; }

    /// <summary>[V], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var shape = input.ShapeView;
        if (shape.Length == 0 || shape[^1] != InFeatures)
        {
            throw ShapeError($"[*, {Invariant(InFeatures)}]", input);
        }

        return Functional.Linear(input, Weight, Bias);
    }
}
