using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// A linear head without a weight of its own: y = x Eᵀ (+ b) with E an embedding's table [V, D] (GPT-2's tied
/// <c>lm_head</c>). The shared parameter is registered here as <c>weight</c> too, so the state dict lists it under
/// both names as PyTorch's <c>state_dict()</c> does, while <c>parameters()</c> of a module holding both yields it once
/// (TorchSharp skips a parameter it has already seen).
/// </summary>
public sealed class TiedLinear : LayerBase
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
