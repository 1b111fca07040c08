namespace ModelDsl.Spec;

/// <summary>A precise reason an expression could not be evaluated.</summary>
/// <param name="Kind">The category.</param>
/// <param name="Message">A sentence naming the culprit (the unknown name, the inexact division).</param>
/// <param name="Position">Zero-based character offset in the expression text where the problem is.</param>
public sealed record ExpressionError(ExpressionErrorKind Kind, string Message, int Position);
