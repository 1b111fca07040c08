namespace ModelDsl.Spec;

/// <summary>Why shape inference stopped: which layer, which argument, what was expected and what came.</summary>
/// <param name="Kind">Category.</param>
/// <param name="Path">Module path of the offending layer, e.g. <c>layer1.0.conv2</c> (empty for the model input).</param>
/// <param name="Argument">The offending argument's name, when one argument is to blame.</param>
/// <param name="Expected">What the layer needed, e.g. <c>last dimension 512</c>.</param>
/// <param name="Actual">What it got, e.g. <c>[256]</c>.</param>
/// <param name="Expression">For <see cref="ShapeErrorKind.Expression"/>: the evaluator's error.</param>
public sealed record ShapeError(
    ShapeErrorKind Kind,
    string Path,
    string? Argument,
    string Expected,
    string Actual,
    ExpressionError? Expression = null)
{
    /// <summary>
    /// The attribute to report the error on: the model-level declaration (a layer, or the [Block]/[Stage] use) whose
    /// expansion failed; null for the model input.
    /// </summary>
    public SourceLocation? Location { get; init; }

    /// <summary>One sentence for a diagnostic: <c>layer1.0.conv2 (in): expected …, got ….</c></summary>
    public string Message =>
        (Path.Length == 0 ? "input" : Path) + (Argument is null ? string.Empty : " (" + Argument + ")") +
        ": expected " + Expected + ", got " + Actual + ".";

    /// <inheritdoc />
    public override string ToString() => Kind + ": " + Message;
}
