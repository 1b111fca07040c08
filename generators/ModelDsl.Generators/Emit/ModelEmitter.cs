using ModelDsl.Spec;
using static ModelDsl.Generators.Literals;

namespace ModelDsl.Generators;

// The generated half of a [Model] class: construction, Forward, the layer properties, and the compile-time cost.
internal static class ModelEmitter
{
    // Calls a module on a tensor this method owns and frees that tensor (runtime: ModelDsl.Forward).
    private const string Then = "global::ModelDsl.Forward.Then";
    private const string Call = "global::ModelDsl.Forward.Call";

    /// <summary>
    /// The source, or why not: a shape error, a cost beyond 64 bits, a layer the runtime cannot build or tables too large
    /// to compile (the analyzers report each on the attribute at fault; the generator then writes the class's completion).
    /// </summary>
    /// <param name="model">The model (for a variant: its rewritten spec under the variant's class name).</param>
    /// <param name="variant">Set for a variant class, which nobody declares: a sealed class with plain properties and <c>FromDense</c>.</param>
    public static (GeneratedSource? Source, string? Problem) Emit(ModelTarget model, VariantContext? variant = null)
    {
        var shapes = Shapes.Infer(model.Spec);
        if (shapes.Error is { } error || shapes.Output is null)
        {
            var (descriptor, arguments) = ShapeDiagnostics.Of(shapes.Error!, model.ClassName);
            return (null, ShapeDiagnostics.Line(descriptor, arguments));
        }

        // A variant's cost is its rewrite's (the one the analyzers report): weight bytes in its storage format.
        var cost = variant?.Rewrite.Cost ?? Cost.Of(shapes);
        var construction = new Construction(model.Blocks, variant?.Rewrite.Weights ?? Spec.Precision.Float32, variant?.Rewrite.Sparse);
        var built = shapes.Roots.Select((root, i) => construction.Node(root, i > 0, i > 0 ? shapes.Roots[i - 1] : null)).ToList();
        if (built.Any(code => code is null) || built.Count != model.Members.Count)
        {
            return (null, "MDSL1006: a layer has no runtime module with its options");
        }

        // Formatted once: its length decides whether the model can be generated, and it is the Summary() constant.
        var summary = SummaryTable.Format(model.ClassName, model.Spec.Input, shapes, cost);
        if (variant is not null)
        {
            summary += "\n" + SummaryTable.Comparison(variant, cost.Total);
        }

        var characters = GeneratedText.Characters(summary, shapes);
        if (characters > GeneratedText.Limit)
        {
            return (null, "MDSL2007: the generated tables would need " + characters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " characters");
        }

        var writer = new SourceWriter();
        // A model's members run one after the other: every adjacent convolution and batch norm is a pair.
        var pairs = BatchNormPairsEmitter.Pairs(model.Members, _ => false);
        var bases = ModuleTypes.Module + (pairs.Count > 0 ? ", " + BatchNormPairsEmitter.Interface : string.Empty);
        if (variant is null)
        {
            FileHeader.Write(writer, model.Namespace, "the [Model] attributes of " + model.ClassName);
            writer.Open("partial class " + Names.Identifier(model.ClassName) + " : " + bases);
        }
        else
        {
            FileHeader.Write(writer, model.Namespace, "the [Variant(\"" + variant.Name + "\")] of " + variant.DenseClass);
            writer.Line("/// <summary>");
            writer.Line("/// <see cref=\"" + Names.Identifier(variant.DenseClass) + "\"/> " + Describe(variant) + ": an ordinary model of its own,");
            writer.Line(variant.Rewrite.Sparse is not null
                ? "/// loaded like any other (for inference: its sparse layers hold buffers, not parameters), or built from a trained dense model with <see cref=\"FromDense\"/>."
                : variant.Rewrite.Weights == Spec.Precision.Float32
                ? "/// trained or loaded like any other, or built from a trained dense model with <see cref=\"FromDense\"/>."
                : "/// loaded like any other (for inference: its quantised layers hold buffers, not parameters), or built from a trained dense model with <see cref=\"FromDense\"/>.");
            writer.Line("/// </summary>");
            writer.Open(model.Accessibility + " sealed class " + Names.Identifier(model.ClassName) + " : " + bases);
        }

        writer.Line("/// <summary>Builds the model with PyTorch's default initialisation; the state-dict names are PyTorch's for the same architecture.</summary>");
        Registration.OpenConstructor(writer, "public " + Names.Identifier(model.ClassName) + "()", model.ClassName);
        for (var i = 0; i < model.Members.Count; i++)
        {
            Registration.Write(writer, model.Members[i], built[i]!, shapes.Roots[i]);
        }

        var channelsLast = ChannelsLast(model, shapes);
        if (channelsLast)
        {
            writer.Line("global::ModelDsl.ChannelsLast.Apply(this);");
        }

        writer.Close();
        Registration.WriteNoReflection(writer);
        MemberProperties.Write(writer, model.Members, declared: variant is null);
        WriteForward(writer, model.Members, channelsLast);
        BatchNormPairsEmitter.Write(writer, pairs);
        // An N:M variant's layers hold compressed values and positions: the export writes them decompressed, as dense weights.
        var nm = variant?.Rewrite.Sparse is { Kind: SparseKind.NM } sparse ? sparse : null;
        OnnxEmitter.Write(writer, model.ClassName, model.Spec.Input, shapes, variant?.Rewrite.Weights ?? Spec.Precision.Float32, compressed: nm is null ? null : nm.Replaces);
        WriteCost(writer, model, shapes, cost, summary, variant);
        if (variant is not null)
        {
            FromDenseEmitter.Write(writer, model.ClassName, variant);
            RefreshingLoadEmitter.Write(writer, variant.Rewrite);
        }
        else
        {
            PrunableEmitter.Write(writer, PrunableStructure.Of(model.Spec), model.Spec.Budget);
        }

        writer.Close();
        return (new GeneratedSource(FileHeader.HintName(model.Namespace, model.ClassName), writer.ToString()), null);
    }

    // MemoryFormat.ChannelsLast, or Auto on a convolutional model (a Conv2d on an image input): oneDNN's fastest CPU
    // convolutions take channels-last (NHWC) memory, which PyTorch users opt into by hand.
    private static bool ChannelsLast(ModelTarget model, ShapeResult shapes) => model.MemoryFormat switch
    {
        MemoryFormat.ChannelsLast => true,
        MemoryFormat.Contiguous => false,
        _ => model.Spec.Input.Kind == Spec.InputKind.Image && shapes.Layers.Any(l => l.Kind == LayerKind.Conv2d),
    };

    private static void WriteForward(SourceWriter writer, IEnumerable<MemberTarget> members, bool channelsLast)
    {
        writer.Line();
        writer.Line("/// <inheritdoc />");
        writer.Open("public override global::TorchSharp.torch.Tensor forward(global::TorchSharp.torch.Tensor input)");
        writer.Line("// Each intermediate is freed as soon as the next layer has consumed it; the caller owns the result.");
        var first = true;
        foreach (var member in members)
        {
            // Each call names the member by its state-dict name, which an input error reports as the layer's path.
            var name = Quote(member.Layer.Name!);
            if (first && channelsLast)
            {
                writer.Line("// The weights are channels-last (MemoryFormat); a 4-d input is converted once, here.");
                writer.Line("var x = input.dim() == 4 ? " + Then + "(" + member.Identifier + ", global::ModelDsl.ChannelsLast.Contiguous(input), " + name + ") : " + Call + "(" + member.Identifier + ", input, " + name + ");");
            }
            else
            {
                writer.Line(first ? "var x = " + Call + "(" + member.Identifier + ", input, " + name + ");" : "x = " + Then + "(" + member.Identifier + ", x, " + name + ");");
            }

            first = false;
        }

        writer.Line("return x;");
        writer.Close();
    }

    // What a variant is, for its class comment: "with 50 % of its channels (KeepChannels = 0.5) and with int8 Linears …".
    private static string Describe(VariantContext variant)
    {
        var parts = new List<string>();
        if (variant.Rewrite.Fitted.Count > 0)
        {
            parts.Add((variant.Rewrite.Variant.FitBudget ? "with widths fitted to its budget (FitBudget): " : "with per-layer widths (KeepLayers, RoundTo): ") + string.Join(", ", variant.Rewrite.Fitted.Select(f =>
                f.Layer + " " + f.Fitted.ToString(System.Globalization.CultureInfo.InvariantCulture) + " of " + f.Dense.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }
        else if (variant.Rewrite.Keep < 1)
        {
            parts.Add("with " + (variant.KeepChannels * 100).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) +
                " % of its channels (KeepChannels = " + variant.KeepChannels.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + ")");
        }

        if (variant.Rewrite.KeepHeads < 1)
        {
            parts.Add("with " + (variant.Rewrite.KeepHeads * 100).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) +
                " % of each attention's heads (KeepHeads = " + variant.Rewrite.KeepHeads.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + ")");
        }

        if (variant.Rewrite.KeepHidden < 1)
        {
            parts.Add("with " + (variant.Rewrite.KeepHidden * 100).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) +
                " % of each MLP's hidden neurons (KeepHidden = " + variant.Rewrite.KeepHidden.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + ")");
        }

        if (variant.Rewrite.Weights != Spec.Precision.Float32)
        {
            var convolutions = variant.Rewrite.Shapes.Layers.Any(l => l.Kind == LayerKind.Conv2d) ? " and int8 convolutions (float32 until Int8Calibration.Run calibrates them)" : string.Empty;
            parts.Add(variant.Rewrite.Weights == Spec.Precision.Int8
                ? "with int8 Linears (per-channel weights, dynamic int8 activations)" + convolutions
                : "with int4 Linear weights (group 128, dequantised at load)");
        }

        if (variant.Rewrite.Sparse is { } sparse)
        {
            parts.Add(sparse.Kind == SparseKind.NM
                ? "with " + sparse.N.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + sparse.M.ToString(System.Globalization.CultureInfo.InvariantCulture) +
                  " sparse weights (Sparsity), stored compressed"
                : "with " + (sparse.Prune * 100).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " % of its Linear and convolution weights pruned by magnitude (Prune = " +
                  sparse.Prune.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + (sparse.Global ? ", ranked globally" : ", layer by layer") + ")");
        }

        if (variant.Rewrite.Rank is { } rank)
        {
            parts.Add("with its Linears factored at rank " + rank.ToString(System.Globalization.CultureInfo.InvariantCulture) + " where that is cheaper");
        }

        return string.Join(" and ", parts);
    }

    // EffectiveMacs(): the non-zeros of the built model, each sparsified layer's counted by the MACs one weight takes part
    // in per sample (its dense MACs over its weights, an integer), plus the MACs of every other layer.
    private static void WriteEffectiveMacs(SourceWriter writer, ShapeResult shapes, SparseFormat sparse)
    {
        var dense = Cost.Of(shapes);
        var other = dense.Layers.Where(row => sparse.Find(row.Path) is null).Sum(row => row.Macs);
        var layers = sparse.Layers.Select(layer => "(\"" + layer.Path + "\", " + Numbers.Literal(dense.Find(layer.Path)!.Macs / layer.Weights) + ")");
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Multiply-accumulates for one sample counting the weights that are non-zero in this instance now (for a global");
        writer.Line("/// ranking, the split across layers its weights chose); equals <see cref=\"TotalMacs\"/> where the split is the compile-time one.");
        writer.Line("/// </summary>");
        writer.Line("public long EffectiveMacs() => global::ModelDsl.SparseVariants.EffectiveMacs(this, " + Numbers.Literal(other) + ", " + string.Join(", ", layers) + ");");
    }

    private static void WriteCost(SourceWriter writer, ModelTarget model, ShapeResult shapes, CostReport cost, string summary, VariantContext? variant)
    {
        var total = cost.Total;
        void Constant(string name, long value, string doc)
        {
            writer.Line();
            writer.Line("/// <summary>" + doc + "</summary>");
            writer.Line("public const long " + name + " = " + Numbers.Literal(value) + ";");
        }

        var sparse = variant?.Rewrite.Sparse;
        Constant("TotalMacs", total.Macs, sparse is null
            ? "Multiply-accumulates for one sample (conv, linear and attention matmuls; docs/cost-convention.md)."
            : "Effective multiply-accumulates for one sample: the sparsified layers count their non-zero weights only (docs/cost-convention.md).");
        if (sparse is not null)
        {
            Constant("DenseMacs", variant!.DenseCost.Macs, "The dense model's multiply-accumulates for one sample, next to the effective <see cref=\"TotalMacs\"/>.");
            WriteEffectiveMacs(writer, shapes, sparse);
        }

        Constant("TotalFlops", total.Flops, "FLOPs for one sample: 2 × MACs plus every element-wise operation.");
        Constant("ElementwiseFlops", total.ElementwiseFlops, "The element-wise part of <see cref=\"TotalFlops\"/>: bias adds, normalisation, activations, pooling, residual adds.");
        Constant("TotalParameters", total.Parameters, "Trainable parameters, each stored tensor counted once (equals <c>ParameterCount()</c> of a built model).");
        Constant("WeightBytes", total.WeightBytes, variant?.Rewrite.Weights is Spec.Precision.Int8 or Spec.Precision.Int4
            ? "Bytes of the stored tensors (the state dict): quantised Linear weights with their scales, every other tensor float32."
            : variant?.Rewrite.Sparse is { Kind: SparseKind.NM }
            ? "Bytes of the stored tensors (the state dict): N:M values (float32) with their packed in-group positions, every other tensor float32."
            : "Weight storage in bytes (float32).");
        Constant("ActivationBytes", total.ActivationBytes, "Sum of every layer's output bytes for one sample (float32); not the peak.");

        writer.Line();
        writer.Line("/// <summary>The per-sample input shape, batch excluded.</summary>");
        writer.Line("public static global::System.Collections.Generic.IReadOnlyList<int> InputShape { get; } = " + Numbers.Shape(model.Spec.Input.Dims) + ";");
        writer.Line();
        writer.Line("/// <summary>The per-sample output shape, batch excluded.</summary>");
        writer.Line("public static global::System.Collections.Generic.IReadOnlyList<int> OutputShape { get; } = " + Numbers.Shape(shapes.Output!.Dims) + ";");

        writer.Line();
        writer.Line("/// <summary>Every layer in forward order with its output shape and cost for one sample.</summary>");
        writer.Line("public static global::System.Collections.Generic.IReadOnlyList<global::ModelDsl.LayerCostInfo> CostTable { get; } =");
        writer.Line("[");
        writer.Indent();
        foreach (var (shape, row) in shapes.Layers.Zip(cost.Layers, (s, r) => (s, r)))
        {
            writer.Line("new(\"" + row.Path + "\", \"" + row.Kind + "\", " + Numbers.Shape(shape.Output.Dims) + ", " +
                Numbers.Literal(row.Macs) + ", " + Numbers.Literal(row.Flops) + ", " + Numbers.Literal(row.Parameters) + "),");
        }

        writer.Outdent();
        writer.Line("];");

        writer.Line();
        writer.Line("/// <summary>The layer table and totals, as torchinfo's <c>summary</c> prints them (computed at compile time).</summary>");
        writer.Line("public static string Summary() => SummaryText;");
        writer.Line();
        writer.Line("private const string SummaryText = \"\"\"");
        writer.Indent();
        foreach (var line in summary.Split('\n'))
        {
            writer.Line(line);
        }

        writer.Line("\"\"\";");
        writer.Outdent();
    }
}
