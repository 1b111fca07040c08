using System.Globalization;
using ModelDsl.Spec;
using static ModelDsl.Generators.Literals;

namespace ModelDsl.Generators;

// A variant's FromDense, the only place that needs the dense model. Pruning: the dependency groups computed at compile
// time become calls to the runtime (ModelDsl.Pruning) that rank each group's channels in the dense weights and cut every
// tensor to the kept ones. Int8/int4: every quantised Linear's (cut) dense weight is quantised into it (ModelDsl.Compression),
// everything else copied. Rank: every factored Linear's dense weight is split by a truncated SVD.
internal static class FromDenseEmitter
{
    private const string Pruning = "global::ModelDsl.Pruning";
    private const string Compression = "global::ModelDsl.Compression";

    public static void Write(SourceWriter writer, string variantClass, VariantContext variant)
    {
        var dense = Names.Identifier(variant.DenseClass);
        var self = Names.Identifier(variantClass);
        var rewrite = variant.Rewrite;
        var quantised = rewrite.Weights != Spec.Precision.Float32;
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Builds this variant from a trained <see cref=\"" + dense + "\"/>. The dense model is not changed.");
        if (variant.Plan is not null)
        {
            writer.Line("/// In every group of channels that must be kept or removed together (a layer's outputs, the norms and layers that read");
            writer.Line("/// them, everything a residual add ties to them), keeps the most important by <paramref name=\"criterion\"/> and copies their weights.");
            if (variant.Plan.Groups.Any(g => g.HeadDim > 0))
            {
                writer.Line("/// Each attention keeps its most important whole heads (their q, k, v rows and out_proj columns ranked together).");
            }
        }

        if (quantised)
        {
            writer.Line(rewrite.Weights == Spec.Precision.Int8
                ? "/// Each Linear's and Conv2d's weight is quantised to symmetric int8 per output channel; every other tensor is copied."
                : "/// Each Linear's weight is quantised to symmetric int4 with one scale per 128 inputs; every other tensor is copied.");
        }

        if (rewrite.Sparse is { Kind: SparseKind.NM } nm)
        {
            writer.Line("/// In every group of " + N(nm.M) + " consecutive weights along each sparsified layer's reduction dimension the " + N(nm.N) + " of largest |w| are kept");
            writer.Line("/// (as <see cref=\"global::ModelDsl.NMSparsity.Mask\"/> chooses them) and stored compressed; every other tensor is copied.");
        }
        else if (rewrite.Sparse is { } pruned)
        {
            writer.Line(pruned.Global
                ? "/// The smallest |w| of all Linear and convolution weights ranked together are set to zero (<see cref=\"global::ModelDsl.MagnitudePruning.Global\"/>), every layer keeping at least its minimum; every other tensor is copied."
                : "/// The smallest |w| of every Linear and convolution weight are set to zero, layer by layer (<see cref=\"global::ModelDsl.MagnitudePruning.LayerWise\"/>); every other tensor is copied.");
        }

        if (rewrite.Rank is { } described)
        {
            writer.Line("/// Each factored Linear gets the best rank-" + N(described) + " approximation of its weight (truncated SVD: U·√S and √S·Vᵀ); every other tensor is copied.");
        }

        writer.Line("/// </summary>");
        writer.Line("/// <param name=\"dense\">The trained dense model.</param>");
        if (variant.Plan is not null)
        {
            writer.Line("/// <param name=\"criterion\">How channels are ranked: the L1 or L2 norm of the weights that write them, or the batch-norm scale.</param>");
            writer.Open("public static " + self + " FromDense(" + dense + " dense, global::ModelDsl.PruningCriterion criterion = global::ModelDsl.PruningCriterion.L1)");
        }
        else
        {
            writer.Open("public static " + self + " FromDense(" + dense + " dense)");
        }

        writer.Line("global::System.ArgumentNullException.ThrowIfNull(dense);");
        if (variant.Plan?.Unsupported is { } why)
        {
            writer.Line("throw new global::System.NotSupportedException(" + Quote(variantClass + " cannot be built from " + variant.DenseClass + ": " + why) + ");");
            writer.Close();
            return;
        }

        writer.Line("var weights = dense.state_dict();");
        var slices = new Dictionary<string, string>(StringComparer.Ordinal);
        if (variant.Plan is { } plan)
        {
            for (var i = 0; i < plan.Groups.Count; i++)
            {
                var group = plan.Groups[i];
                writer.Line(group.HeadDim > 0
                    ? "var keep" + N(i) + " = " + Pruning + ".SelectHeads(weights, new global::ModelDsl.HeadGroup(" + N(group.DenseSize) + ", " + N(group.KeptSize) + ", " + N(group.HeadDim) + ", " + List(group.Producers) + ", " + List(group.Columns) + "), criterion);"
                    : "var keep" + N(i) + " = " + Pruning + ".Select(weights, new global::ModelDsl.ChannelGroup(" + N(group.DenseSize) + ", " + N(group.KeptSize) + ", " + List(group.Producers) + ", " + List(group.Norms) + "), criterion);");
            }

            foreach (var tensor in plan.Tensors)
            {
                slices[tensor.Name] = string.Concat(tensor.Slices.Select(s => ", new global::ModelDsl.Slice(" + N(s.Dim) + ", keep" + N(s.Group) + (s.Repeat == 1 && s.Blocks == 1 ? string.Empty : ", " + N(s.Repeat)) + (s.Blocks == 1 ? string.Empty : ", " + N(s.Blocks)) + ")"));
            }
        }

        writer.Line("var variant = new " + self + "();");
        if (rewrite.Sparse is { Kind: SparseKind.Magnitude } magnitude)
        {
            var names = "[" + string.Join(", ", magnitude.Layers.Select(l => Quote(l.Path + ".weight"))) + "]";
            writer.Line(magnitude.Global
                ? "using var mask = global::ModelDsl.MagnitudePruning.Global(dense, " + Real(magnitude.Prune) + ", " + Real(magnitude.MinKeep) + ", " + names + ");"
                : "using var mask = global::ModelDsl.MagnitudePruning.LayerWise(dense, " + Real(magnitude.Prune) + ", " + names + ");");
        }

        // Each factored Linear's two layers, by their paths in the variant, with the dense Linear they come from.
        var factors = new Dictionary<string, (string Dense, bool First)>(StringComparer.Ordinal);
        foreach (var denseLinear in rewrite.Factored)
        {
            var (first, second) = LowRank.FactorPaths(denseLinear);
            factors[first] = (denseLinear, true);
            factors[second] = (denseLinear, false);
        }

        var quantisedTensors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in rewrite.Shapes.Layers)
        {
            if (rewrite.Sparse is { Kind: SparseKind.Magnitude } sparse && sparse.Find(layer.Path) is not null)
            {
                writer.Line("global::ModelDsl.SparseVariants.Prune(variant, " + Quote(layer.Path) + ", weights, mask);");
                continue;
            }

            if (Quantization.Quantizes(layer, rewrite.Weights) || rewrite.Sparse is { Kind: SparseKind.NM } && rewrite.Sparse.Replaces(layer))
            {
                var weight = Dense(layer.Path + ".weight", slices);
                var bias = layer.Bool("bias") ? Dense(layer.Path + ".bias", slices) : "null";
                writer.Line(Compression + ".Quantize(variant, " + Quote(layer.Path) + ", " + weight + ", " + bias + ");");
                quantisedTensors.UnionWith(layer.Tensors.Select(t => t.Name));
                continue;
            }

            if (rewrite.Rank is { } rank && factors.TryGetValue(layer.Path, out var factor))
            {
                if (factor.First)
                {
                    writer.Line(Compression + ".Factor(variant, weights, " + Quote(factor.Dense) + ", " + Quote(factor.Dense) + ", " + N(rank) + ");");
                }

                continue;
            }

            foreach (var tensor in variant.Plan is null ? layer.Tensors.Where(t => t.TiedTo is null) : Enumerable.Empty<TensorSpec>())
            {
                writer.Line(CopyLine(tensor.Name, ""));
            }
        }

        // A pruned variant copies every tensor its plan lists (cut to the kept channels), but those quantised above.
        foreach (var tensor in variant.Plan?.Tensors ?? EquatableArray<TensorCopy>.Empty)
        {
            if (!quantisedTensors.Contains(tensor.Name))
            {
                writer.Line(CopyLine(tensor.Name, slices[tensor.Name]));
            }
        }

        writer.Line("return variant;");
        writer.Close();
    }

    // A custom layer's spec lists its declared parameter count, not its tensors: every tensor under its path is copied whole.
    private static string CopyLine(string name, string slices) =>
        name.EndsWith("." + CustomLayer.DeclaredParameters, StringComparison.Ordinal)
            ? Pruning + ".CopyUnder(variant, weights, " + Quote(name.Substring(0, name.Length - CustomLayer.DeclaredParameters.Length - 1)) + ");"
            : Pruning + ".Copy(variant, weights, " + Quote(name) + slices + ");";

    // The dense tensor as the variant needs it: cut to the kept channels in a pruned variant, else the tensor itself.
    private static string Dense(string name, Dictionary<string, string> slices) =>
        slices.TryGetValue(name, out var cut) && cut.Length > 0
            ? Pruning + ".Cut(weights, " + Quote(name) + cut + ")"
            : Compression + ".Dense(weights, " + Quote(name) + ")";

    // The dense Linear a factor (path.0 or path.1) of a rank variant comes from.
    private static string List(IEnumerable<string> names) => "[" + string.Join(", ", names.Select(Quote)) + "]";


    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    // A double as a C# literal ("R" round-trips; a decimal point keeps it a double).
    private static string Real(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";
    }
}
