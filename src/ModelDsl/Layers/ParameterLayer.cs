namespace ModelDsl;

/// <summary>
/// A layer that is one bare parameter of its parent, as PyTorch's <c>nn.Parameter</c> attributes are (ViT's
/// <c>class_token</c>, <c>encoder.pos_embedding</c>). Registering it as a module registers <see cref="Parameter"/> on
/// the parent under the module's name instead of adding a child: the state dict holds <c>class_token</c>, not
/// <c>class_token.weight</c>.
/// </summary>
public abstract class ParameterLayer : Layer
{
    /// <summary>Creates the layer around its parameter (not registered on this layer itself).</summary>
    private protected ParameterLayer(Tensor parameter)
    {
        DisposeScope.Detach(parameter);
        parameter.RequiresGrad = true;
        Parameter = parameter;
    }

    /// <summary>The parameter, registered on the parent under this layer's name.</summary>
    public Tensor Parameter { get; }
}

/// <summary>Prepends a learned class token [1, 1, D] to tokens [N, T, D], giving [N, T + 1, D] (ViT's <c>class_token</c>; zeros initially).</summary>
public sealed class ClassToken(long dim) : ParameterLayer(Tensor.Zeros([1, 1, dim]))
{
    /// <summary>Token width.</summary>
    public long Dim { get; } = dim;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var shape = input.ShapeView;
        if (shape.Length != 3 || shape[2] != Dim)
        {
            throw ShapeError($"[N, T, {Invariant(Dim)}]", input);
        }

        using var token = Parameter.Expand(shape[0], 1, Dim);
        return Tensor.Cat([token, input], 1);
    }
}

/// <summary>
/// Adds a learned position embedding stored as a bare parameter [1, maxLength, D] to tokens [N, T, D], T ≤ maxLength
/// (ViT's <c>encoder.pos_embedding</c>; N(0, 0.02²) initially, as torchvision).
/// </summary>
public sealed class PositionParameter : ParameterLayer
{
    /// <summary>Creates the embedding for up to <paramref name="maxLength"/> positions of width <paramref name="dim"/>.</summary>
    public PositionParameter(long maxLength, long dim)
        : base(Tensor.Empty([1, maxLength, dim]))
    {
        (MaxLength, Dim) = (maxLength, dim);
        Init.Normal(Parameter, std: 0.02);
    }

    /// <summary>Positions available.</summary>
    public long MaxLength { get; }

    /// <summary>Token width.</summary>
    public long Dim { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var shape = input.ShapeView;
        if (shape.Length != 3 || shape[1] > MaxLength || shape[2] != Dim)
        {
            throw ShapeError($"[N, T ≤ {Invariant(MaxLength)}, {Invariant(Dim)}]", input);
        }

        if (shape[1] == MaxLength)
        {
            return input + Parameter;
        }

        using var used = Parameter.Narrow(1, 0, shape[1]);
        return input + used;
    }
}
