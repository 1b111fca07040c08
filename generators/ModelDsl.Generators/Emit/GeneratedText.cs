using ModelDsl.Spec;

namespace ModelDsl.Generators;

// How much string constant a model's generated file holds (the layer table and the summary). The compiler caps all the
// user strings of an assembly at 2^24 bytes of UTF-16 (CS8103); a model is allowed half of that, so that the user's own
// strings and other models still fit. Above it the model is not generated and MDSL2007 says why.
internal static class GeneratedText
{
    public const long Limit = 4_000_000;

    public static long Characters(ModelTarget model, ShapeResult shapes, CostReport cost) =>
        SummaryTable.Format(model.ClassName, model.Spec.Input, shapes, cost).Length +
        shapes.Layers.Sum(l => (long)l.Path.Length + l.Kind.ToString().Length);
}
