namespace ModelDsl.Spec;

// Inference is deeply recursive; an exception is the simplest way to stop at the first error.
// It never escapes: Shapes.Infer turns it into ShapeResult.Error.
internal sealed class ShapeException : Exception
{
    public ShapeException(ShapeError error)
        : base(error.Message)
    {
        Error = error;
    }

    public ShapeError Error { get; }
}
