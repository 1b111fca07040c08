namespace ModelDsl;

/// <summary>
/// Declares a model: a <c>partial</c> class whose <c>public partial Layer Name { get; }</c> properties, each carrying
/// layer attributes, run in declaration order. The generator makes the class a TorchSharp <c>Module&lt;Tensor, Tensor&gt;</c> with a
/// parameterless constructor, <c>Forward</c>, compile-time cost constants and a <c>Summary()</c>.
/// </summary>
/// <example>
/// <code>
/// [Model(InputShape = [3, 32, 32])]
/// public partial class CifarNet
/// {
///     [Conv2d(32, Kernel = 3, Padding = 1), BatchNorm2d, ReLU] public partial Layer Stem { get; }
///     [AdaptiveAvgPool2d(1), Flatten, Linear(10)] public partial Layer Head { get; }
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ModelAttribute : Attribute
{
    /// <summary>
    /// The per-sample input shape, batch excluded: <c>[C, H, W]</c> for an image, <c>[F]</c> for a vector, <c>[T, D]</c>
    /// for a sequence (or <c>[C, L]</c> with <see cref="Kind"/> = <see cref="InputKind.Signal"/>).
    /// Not used for token inputs, which set <see cref="SequenceLength"/> and <see cref="Vocabulary"/> instead.
    /// </summary>
    public int[]? InputShape { get; set; }

    /// <summary>For token-id inputs: the number of tokens T per sample.</summary>
    public int SequenceLength { get; set; }

    /// <summary>For token-id inputs: the vocabulary size V (ids are in [0, V)).</summary>
    public int Vocabulary { get; set; }

    /// <summary>What <see cref="InputShape"/> holds; by default decided by its rank (a rank-2 shape is a sequence [T, D]).</summary>
    public InputKind Kind { get; set; }

    /// <summary>
    /// The layout of 4-d weights and activations. By default (<see cref="MemoryFormat.Auto"/>) a convolutional model on
    /// images runs channels-last; set <see cref="MemoryFormat.Contiguous"/> to opt out.
    /// </summary>
    public MemoryFormat MemoryFormat { get; set; }
}
