namespace ModelDsl.Spec;

/// <summary>Category of a <see cref="ShapeError"/>, so analyzers can map each to a diagnostic id.</summary>
public enum ShapeErrorKind
{
    /// <summary>An input does not have the shape a layer needs (rank, features, channels).</summary>
    ShapeMismatch,

    /// <summary>The two sides of a residual connection disagree and no shortcut can reconcile them.</summary>
    ResidualMismatch,

    /// <summary>A kernel or window is larger than the (padded) input.</summary>
    KernelTooLarge,

    /// <summary>An argument value is invalid (non-positive size, indivisible groups or heads …).</summary>
    InvalidArgument,

    /// <summary>An argument the kind does not have.</summary>
    UnknownArgument,

    /// <summary>A required argument is missing.</summary>
    MissingArgument,

    /// <summary>An argument expression has no integer value (see <see cref="ShapeError.Expression"/>).</summary>
    Expression,

    /// <summary>A block or stage names a block that the spec does not declare.</summary>
    UnknownBlock,

    /// <summary>A tied layer refers to a path that is not an earlier embedding.</summary>
    UnknownReference,

    /// <summary>Two layers register the same state-dict name.</summary>
    DuplicateName,

    /// <summary>The model input is malformed.</summary>
    InvalidInput,

    /// <summary>A size or cost that does not fit in 64 bits (or a dimension beyond 32 bits): reported, never wrapped.</summary>
    Overflow,
}
