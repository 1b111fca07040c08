namespace ModelDsl;

/// <summary>What a model's per-sample input is (see <see cref="ModelAttribute.Kind"/>).</summary>
public enum InputKind
{
    /// <summary>Decided by the rank of <see cref="ModelAttribute.InputShape"/>: 3 is an image, 2 a sequence, 1 a vector.</summary>
    Auto,

    /// <summary>An image [C, H, W].</summary>
    Image,

    /// <summary>A feature vector [F].</summary>
    Vector,

    /// <summary>A sequence of feature vectors [T, D], token-major, as transformer layers take.</summary>
    Sequence,

    /// <summary>A channel-first signal [C, L], as <c>Conv1d</c> takes.</summary>
    Signal,
}
