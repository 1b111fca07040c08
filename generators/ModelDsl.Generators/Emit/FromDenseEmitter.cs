using System.Globalization;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// A structured-pruning variant's FromDense: the dependency groups computed at compile time become calls to the
// runtime (ModelDsl.Pruning) that rank each group's channels in the dense weights and cut every tensor to the kept ones.
internal static class FromDenseEmitter
{
    private const string Pruning = "global::ModelDsl.Pruning";

    public static void Write(SourceWriter writer, string variantClass, VariantContext variant)
    {
        var dense = Names.Identifier(variant.DenseClass);
        var self = Names.Identifier(variantClass);
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Builds this variant from a trained <see cref=\"" + dense + "\"/>: in every group of channels that must be kept or removed");
        writer.Line("/// together (a layer's outputs, the norms and layers that read them, everything a residual add ties to them), keeps");
        writer.Line("/// the most important by <paramref name=\"criterion\"/> and copies their weights. The dense model is not changed.");
        writer.Line("/// </summary>");
        writer.Line("/// <param name=\"dense\">The trained dense model.</param>");
        writer.Line("/// <param name=\"criterion\">How channels are ranked: the L1 or L2 norm of the weights that write them, or the batch-norm scale.</param>");
        writer.Open("public static " + self + " FromDense(" + dense + " dense, global::ModelDsl.PruningCriterion criterion = global::ModelDsl.PruningCriterion.L1)");
        if (variant.Plan.Unsupported is { } why)
        {
            writer.Line("global::System.ArgumentNullException.ThrowIfNull(dense);");
            writer.Line("throw new global::System.NotSupportedException(" + Quote(variantClass + " cannot be built from " + variant.DenseClass + ": " + why) + ");");
            writer.Close();
            return;
        }

        writer.Line("global::System.ArgumentNullException.ThrowIfNull(dense);");
        writer.Line("var weights = dense.state_dict();");
        for (var i = 0; i < variant.Plan.Groups.Count; i++)
        {
            var group = variant.Plan.Groups[i];
            writer.Line("var keep" + N(i) + " = " + Pruning + ".Select(weights, new global::ModelDsl.ChannelGroup(" + N(group.DenseSize) + ", " + N(group.KeptSize) + ", " + List(group.Producers) + ", " + List(group.Norms) + "), criterion);");
        }

        writer.Line("var variant = new " + self + "();");
        foreach (var tensor in variant.Plan.Tensors)
        {
            var slices = tensor.Slices.Select(s => ", new global::ModelDsl.Slice(" + N(s.Dim) + ", keep" + N(s.Group) + (s.Repeat == 1 ? string.Empty : ", " + N(s.Repeat)) + ")");
            writer.Line(Pruning + ".Copy(variant, weights, " + Quote(tensor.Name) + string.Concat(slices) + ");");
        }

        writer.Line("return variant;");
        writer.Close();
    }

    private static string List(IEnumerable<string> names) => "[" + string.Join(", ", names.Select(Quote)) + "]";

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
