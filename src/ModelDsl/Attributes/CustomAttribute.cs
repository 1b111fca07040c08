namespace ModelDsl;

/// <summary>
/// The escape hatch: a TorchSharp module of your own (a class deriving from <c>Module&lt;Tensor, Tensor&gt;</c>) as a layer
/// of a model or block, for an operation the DSL has no attribute for. What the generator cannot see inside your class
/// you declare, in the notation of block arguments, so shapes and costs stay exact compile-time constants:
/// <code>
/// [Custom(typeof(ChannelShuffle), 2, Output = ["in0", "in1", "in2"])]
/// public partial ChannelShuffle Shuffle { get; }
/// </code>
/// In every expression, <c>in0</c>, <c>in1</c> … are the per-sample dimensions of the layer's input (batch excluded),
/// next to the enclosing block's parameters and <c>in_channels</c>.
/// </summary>
/// <remarks>
/// Checked at compile time: the type is a non-abstract <c>Module&lt;Tensor, Tensor&gt;</c> with a public constructor that
/// takes the arguments; the expressions; the declared output against the next layer. Checked when the model is built:
/// the module's parameter count against <see cref="Parameters"/>. Checked at every forward: the module's output shape
/// against <see cref="Output"/> (an exception naming the layer, before the next layer could see a wrong shape). Not
/// checkable: <see cref="Macs"/> and <see cref="Flops"/>, which the cost constants take as you declare them.
/// Structured-pruning variants cannot cut a custom layer's weights (MDSL3008).
/// </remarks>
/// <param name="module">Your module class.</param>
/// <param name="arguments">
/// Its constructor's arguments: integers or integer expressions (<c>"in0 * 2"</c>), booleans, reals; written into the
/// generated constructor as literals once evaluated.
/// </param>
public sealed class CustomAttribute(Type module, params object[] arguments) : LayerAttribute
{
    /// <summary>Your module class.</summary>
    public Type Module { get; } = module;

    /// <summary>Its constructor's arguments.</summary>
    public object[] Arguments { get; } = arguments;

    /// <summary>The per-sample output shape, one number or expression per dimension; by default the input's shape.</summary>
    public object[]? Output { get; set; }

    /// <summary>Trainable parameters the module registers (checked when the model is built); 0 by default.</summary>
    public object? Parameters { get; set; }

    /// <summary>Multiply-accumulates of one sample's forward (as declared: not checkable); 0 by default.</summary>
    public object? Macs { get; set; }

    /// <summary>Element-wise FLOPs of one sample's forward beyond 2 × <see cref="Macs"/> (as declared); 0 by default.</summary>
    public object? Flops { get; set; }
}
