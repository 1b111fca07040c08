namespace ModelDsl.Spec;

/// <summary>What a model's per-sample input is.</summary>
public enum InputKind
{
    /// <summary>An image [C, H, W].</summary>
    Image,

    /// <summary>A sequence of T token ids from a vocabulary of V: shape [T].</summary>
    Tokens,

    /// <summary>A plain feature vector [F].</summary>
    Vector,

    /// <summary>A sequence of feature vectors [T, D] (token-major, as transformer and Mamba layers take).</summary>
    Sequence,

    /// <summary>A channel-first signal [C, L] (as Conv1d takes).</summary>
    Signal,
}
