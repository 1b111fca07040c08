using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl.TorchSharp;

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

/// <summary>
/// Adds a learned position embedding held as an <c>nn.Embedding(maxLength, D)</c> table (GPT-2's <c>wpe</c>: state
/// dict <c>weight</c> [maxLength, D]) to tokens [N, T, D] or [T, D]: position t gets row t, t = 0 … T − 1.
/// </summary>
public sealed class PositionEmbedding : Layer
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

/// <summary>Selects token <see cref="Index"/> of [N, T, D], giving [N, D] (ViT's <c>x[:, 0]</c>).</summary>
public sealed class TakeToken(long index = 0) : Layer(nameof(TakeToken))
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

/// <summary>
/// A linear head without a weight of its own: y = x Eᵀ (+ b) with E an embedding's table [V, D] (GPT-2's tied
/// <c>lm_head</c>). The shared parameter is registered here as <c>weight</c> too, so the state dict lists it under
/// both names as PyTorch's <c>state_dict()</c> does, while <c>parameters()</c> of a module holding both yields it once
/// (TorchSharp skips a parameter it has already seen).
/// </summary>
public sealed class TiedLinear : Layer
{
    private readonly Embedding? embedding;

    /// <summary>Ties the head to <paramref name="embedding"/>'s weight, following it when the embedding is moved.</summary>
    public TiedLinear(Embedding embedding, bool bias = false) : this(TableOf(embedding), bias) => this.embedding = embedding;

    /// <summary>Ties the head to <paramref name="weight"/> [V, D].</summary>
    public TiedLinear(Parameter weight, bool bias = false) : base(nameof(TiedLinear))
    {
        if (weight.dim() != 2)
        {
            throw new ArgumentException($"TiedLinear: the tied weight must be [V, D], got {FormatShape(weight.shape)}", nameof(weight));
        }
        register_parameter("weight", weight);
        (OutFeatures, InFeatures) = (weight.shape[0], weight.shape[1]);
        if (bias)
        {
            RegisterParameter("bias", zeros(OutFeatures));
        }
    }

    /// <summary>D.</summary>
    public long InFeatures { get; }

    /// <summary>V.</summary>
    public long OutFeatures { get; }

    /// <summary>The shared [V, D] table.</summary>
    public Parameter Weight => ParameterNamed("weight");

    /// <summary>[V], or null.</summary>
    public Parameter? Bias => OptionalParameterNamed("bias");

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() == 0 || input.shape[^1] != InFeatures)
        {
            throw ShapeError($"[*, {InFeatures}]", input);
        }
        Retie();
        return nn.functional.linear(input, Weight, Bias);
    }

    /// <inheritdoc />
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        // The base class converts this module's "weight" into a tensor of its own; share the embedding's again
        // (a parent moves its children in registration order, so an embedding registered first is moved already).
        base._toEpilog(dtype, device, non_blocking);
        Retie();
    }

    // The parameter object the embedding keeps in its table: TorchSharp's native Embedding.weight getter returns a new
    // wrapper (a new handle) on every call, and parameters() tells parameters apart by handle.
    private static Parameter TableOf(Embedding embedding) =>
        embedding.get_parameter("weight") ?? throw new ArgumentException("TiedLinear: the embedding has no weight", nameof(embedding));

    private void Retie()
    {
        if (embedding is not null && TableOf(embedding) is var current && !ReferenceEquals(current, Weight))
        {
            _internal_params.Remove("weight");
            register_parameter("weight", current);
        }
    }
}
