using ModelDsl.Spec;

namespace ModelDsl.Generators;

// How much string constant a model's generated file holds (the layer table, the summary, and the state-dict names its
// ExportOnnx passes; its layer paths are the table's, stored once). The compiler caps all the
// user strings of an assembly at 2^24 bytes of UTF-16 (CS8103); a model is allowed half of that, so that the user's own
// strings and other models still fit. Above it the model is not generated and MDSL2007 says why.
internal static class GeneratedText
{
    public const long Limit = 4_000_000;

    /// <summary>The summary's length plus the layer table's names and kinds and the layers' tensor names.</summary>
    /// <param name="summary">The model's <c>Summary()</c> text (<see cref="SummaryTable.Format"/>).</param>
    /// <param name="shapes">The inferred model.</param>
    public static long Characters(string summary, ShapeResult shapes) =>
        summary.Length + shapes.Layers.Sum(l => (long)l.Path.Length + l.Kind.ToString().Length + l.Tensors.Sum(t => (long)t.Name.Length));
}
