namespace ModelDsl.Spec;

/// <summary>Either the integer value of an expression or why it has none.</summary>
/// <param name="Value">The value (0 when <see cref="Error"/> is set).</param>
/// <param name="Error">The error, or null on success.</param>
public sealed record ExpressionResult(long Value, ExpressionError? Error)
{
    /// <summary>True when the expression has a value.</summary>
    public bool Succeeded => Error is null;
}
