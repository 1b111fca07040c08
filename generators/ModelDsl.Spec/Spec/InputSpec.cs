namespace ModelDsl.Spec;

/// <summary>The per-sample input of a model; the batch dimension is dynamic and never part of a shape.</summary>
/// <param name="Kind">What the input is.</param>
/// <param name="Dims">Per-sample dimensions.</param>
/// <param name="Vocabulary">For <see cref="InputKind.Tokens"/>: the vocabulary size V; otherwise 0.</param>
public sealed record InputSpec(InputKind Kind, EquatableArray<int> Dims, int Vocabulary = 0)
{
    /// <summary>An image [C, H, W].</summary>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    public static InputSpec Image(int channels, int height, int width) => new(InputKind.Image, new[] { channels, height, width });

    /// <summary>T token ids from a vocabulary of V.</summary>
    /// <param name="length">T.</param>
    /// <param name="vocabulary">V.</param>
    public static InputSpec Tokens(int length, int vocabulary) => new(InputKind.Tokens, new[] { length }, vocabulary);

    /// <summary>A vector [F].</summary>
    /// <param name="features">F.</param>
    public static InputSpec Vector(int features) => new(InputKind.Vector, new[] { features });

    /// <summary>A sequence [T, D].</summary>
    /// <param name="length">T.</param>
    /// <param name="features">D.</param>
    public static InputSpec Sequence(int length, int features) => new(InputKind.Sequence, new[] { length, features });

    /// <summary>A signal [C, L].</summary>
    /// <param name="channels">C.</param>
    /// <param name="length">L.</param>
    public static InputSpec Signal(int channels, int length) => new(InputKind.Signal, new[] { channels, length });
}
