using System.Globalization;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// The generated ExportOnnx of a model: the resolved tree that forward runs, walked in the same order, one call per layer
// into the runtime's ONNX builder (ModelDsl.Onnx.OnnxExport) with every size and option resolved here, at compile time.
// A residual keeps its input in a variable of its own until its add (or gate); a projection runs on that variable.
// A model with a layer the builder has no mapping for gets an ExportOnnx that throws, naming that layer.
internal static class OnnxEmitter
{
    private const string Export = "global::ModelDsl.Onnx.OnnxExport";

    // float32's machine epsilon: the RMSNorm eps the runtime uses when none is given (as PyTorch).
    private const string Float32Epsilon = "1.1920928955078125E-07";

    public static void Write(SourceWriter writer, string className, InputSpec input, ShapeResult shapes, string? notExported = null)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Writes the model as ONNX (opset 17, the batch dimension dynamic) with its current weights, from the graph");
        writer.Line("/// <c>forward</c> runs: nodes named by their state-dict paths, initializers by their state-dict names, every layer's");
        writer.Line("/// output shape annotated. Inference form: BatchNorm uses its running statistics, Dropout is the identity.");
        writer.Line("/// </summary>");
        writer.Line("/// <param name=\"path\">The .onnx file to write (replaced only once written in full).</param>");
        if (notExported is not null)
        {
            writer.Line("/// <exception cref=\"global::System.NotSupportedException\">Always: " + Xml(notExported) + ".</exception>");
            writer.Open("public void ExportOnnx(string path)");
            writer.Line("global::System.ArgumentException.ThrowIfNullOrEmpty(path);");
            writer.Line("throw new global::System.NotSupportedException(" + Quote("ONNX export of " + className + ": " + notExported) + ");");
            writer.Close();
            return;
        }

        if (FirstUnmapped(shapes.Roots) is { } unmapped)
        {
            writer.Line("/// <exception cref=\"global::System.NotSupportedException\">Always: " + Xml(unmapped.Path) + " (" + unmapped.Kind + ") has no ONNX mapping.</exception>");
            writer.Open("public void ExportOnnx(string path)");
            writer.Line("global::System.ArgumentException.ThrowIfNullOrEmpty(path);");
            writer.Line("throw new global::System.NotSupportedException(" + Export + ".Unmapped(" + Quote(className) + ", " + Quote(unmapped.Path) + ", " + Quote(unmapped.Kind.ToString()) + "));");
            writer.Close();
            return;
        }

        writer.Open("public void ExportOnnx(string path)");
        writer.Line("var onnx = new " + Export + "(this, " + Quote(className) + ");");
        writer.Line("var x = onnx.Input(" + Dims(input.Dims) + (input.Kind == Spec.InputKind.Tokens ? ", tokens: true" : string.Empty) + ");");
        var walk = new Walk(writer);
        foreach (var root in shapes.Roots)
        {
            walk.Node(root, "x");
        }

        writer.Line("onnx.Save(x, " + Dims(shapes.Output!.Dims) + ", path);");
        writer.Close();
    }

    // The first primitive (in forward order) the builder cannot map, or null when the whole model exports.
    private static LayerShape? FirstUnmapped(IEnumerable<ResolvedNode> nodes)
    {
        foreach (var node in nodes)
        {
            if (node.Layer is { } layer && Call(layer, "x") is null)
            {
                return layer;
            }

            var inner = FirstUnmapped(node.Children) ?? (node.Projection is { } projection ? FirstUnmapped(new[] { projection }) : null);
            if (inner is not null)
            {
                return inner;
            }
        }

        return null;
    }

    private sealed class Walk(SourceWriter writer)
    {
        private int shortcuts;

        // Writes the calls of `node`, reading and then reassigning the variable `value`.
        public void Node(ResolvedNode node, string value)
        {
            switch (node.Kind)
            {
                case LayerKind.Residual:
                    Residual(node, value);
                    break;
                case LayerKind.Sequential or LayerKind.Stage or LayerKind.Block:
                    foreach (var child in node.Children)
                    {
                        Node(child, value);
                    }

                    break;
                default:
                    writer.Line(value + " = " + Call(node.Layer!, value) + ";");
                    break;
            }
        }

        private void Residual(ResolvedNode node, string value)
        {
            // An if-same shortcut skipped where the block changes the shape (MobileNetV2): the branch alone.
            if (node.Add is not { } combine)
            {
                foreach (var child in node.Children)
                {
                    Node(child, value);
                }

                return;
            }

            var shortcut = "shortcut" + shortcuts++.ToString(CultureInfo.InvariantCulture);
            writer.Line("var " + shortcut + " = " + value + ";");
            foreach (var child in node.Children)
            {
                Node(child, value);
            }

            if (node.Projection is { } projection)
            {
                Node(projection, shortcut);
            }

            var output = Dims(combine.Output.Dims);
            writer.Line(value + " = onnx." + (combine.Kind == LayerKind.ResidualMultiply ? "Multiply(" : "Add(") + Quote(combine.Path) + ", " + value + ", " + shortcut + ", " + output + ");");
        }
    }

    // The builder call for one layer reading `x`, or null for a kind (or option) with no ONNX mapping.
    private static string? Call(LayerShape layer, string x)
    {
        string Op(string method, params string[] args) =>
            "onnx." + method + "(" + string.Join(", ", new[] { Quote(layer.Path), x, Dims(layer.Output.Dims) }.Concat(args)) + ")";
        // A tensor the mapping needs and the layer lacks (an option the builder does not know) leaves the layer unmapped.
        var missing = false;
        string Named(string suffix)
        {
            var name = Tensor(layer, suffix);
            missing |= name is null;
            return name is null ? "null" : Quote(name);
        }

        string Optional(string suffix) => Tensor(layer, suffix) is { } name ? Quote(name) : "null";

        var call = layer.Kind switch
        {
            LayerKind.Linear => Op("Linear", Named("weight"), Optional("bias")),
            LayerKind.TiedLinear when layer.Tensors.Count > 0 && layer.Tensors[0].TiedTo is { } tied => Op("Linear", Quote(tied), Optional("bias")),
            LayerKind.Conv1d or LayerKind.Conv2d => Op(
                "Conv",
                Named("weight"),
                Optional("bias"),
                "kernel: " + N(layer.Int("kernel")),
                "stride: " + N(layer.Int("stride")),
                "padding: " + N(layer.Int("padding")),
                "dilation: " + N(layer.Int("dilation")),
                "groups: " + N(layer.Int("groups"))),
            LayerKind.BatchNorm1d or LayerKind.BatchNorm2d =>
                Op("BatchNorm", Named("weight"), Named("bias"), Named("running_mean"), Named("running_var"), "eps: " + Real(layer.Text("eps"))),
            LayerKind.LayerNorm => Op("LayerNorm", Named("weight"), Optional("bias"), "eps: " + Real(layer.Text("eps"))),
            LayerKind.GroupNorm => Op("GroupNorm", "groups: " + N(layer.Int("groups")), Named("weight"), Named("bias"), "eps: " + Real(layer.Text("eps"))),
            LayerKind.RMSNorm => Op("RMSNorm", Optional("weight"), "eps: " + Float32Epsilon),
            LayerKind.Embedding => Op("Embedding", Named("weight")),
            LayerKind.Dropout => Op("Dropout"),
            LayerKind.ReLU => Op("Relu"),
            LayerKind.ReLU6 => Op("Relu6"),
            LayerKind.GELU => Op("Gelu"),
            LayerKind.SiLU => Op("Silu"),
            LayerKind.Sigmoid => Op("Sigmoid"),
            LayerKind.Tanh => Op("Tanh"),
            LayerKind.Hardswish => Op("Hardswish"),
            LayerKind.Hardsigmoid => Op("Hardsigmoid"),
            LayerKind.Softmax or LayerKind.LogSoftmax => Op(layer.Kind.ToString(), "axis: " + N(BatchDim(layer.Int("dim")))),
            LayerKind.Flatten => Op("Flatten"),
            LayerKind.MaxPool2d => Op(
                "MaxPool",
                "kernel: " + N(layer.Int("kernel")),
                "stride: " + N(layer.Int("stride")),
                "padding: " + N(layer.Int("padding")),
                "dilation: " + N(layer.Int("dilation"))),
            LayerKind.AvgPool2d => Op("AvgPool", "kernel: " + N(layer.Int("kernel")), "stride: " + N(layer.Int("stride")), "padding: " + N(layer.Int("padding"))),
            LayerKind.AdaptiveAvgPool2d =>
                "onnx.AdaptiveAvgPool(" + Quote(layer.Path) + ", " + x + ", " + Dims(layer.Input.Dims) + ", " + Dims(layer.Output.Dims) + ")",
            LayerKind.MultiheadAttention when Projection(layer, "qkv_name") is null => Op(
                "Attention",
                "heads: " + N(layer.Int("heads")),
                "causal: " + B(layer.Bool("causal")),
                Named("in_proj_weight"),
                Optional("in_proj_bias"),
                Named(Projection(layer, "proj_name") + ".weight"),
                Optional(Projection(layer, "proj_name") + ".bias")),
            LayerKind.MultiheadAttention => Op(
                "Attention",
                "heads: " + N(layer.Int("heads")),
                "causal: " + B(layer.Bool("causal")),
                Named(Projection(layer, "qkv_name") + ".weight"),
                Optional(Projection(layer, "qkv_name") + ".bias"),
                Named(Projection(layer, "proj_name") + ".weight"),
                Optional(Projection(layer, "proj_name") + ".bias")),
            LayerKind.PatchEmbedding => Op("PatchEmbedding", Named("weight"), Optional("bias"), "patch: " + N(layer.Int("patch"))),
            LayerKind.ClassToken when layer.Tensors.Count == 1 => Op("ClassToken", Quote(layer.Tensors[0].Name)),
            LayerKind.PositionEmbedding when layer.Tensors.Count == 1 => Op(
                "PositionEmbedding",
                Quote(layer.Tensors[0].Name),
                "maxLength: " + N(layer.Int("max_len")),
                "rowAxis: " + (layer.Text("layout") == "parameter" ? "1" : "0")),
            LayerKind.TakeToken => Op("TakeToken", "index: " + N(layer.Int("index"))),
            _ => null,
        };
        return missing ? null : call;
    }

    // An attention's projection as the module registers it (InnerNames): null for nn.MultiheadAttention's bare in_proj.
    private static string? Projection(LayerShape layer, string argument) =>
        InnerNames.Resolve(layer.Kind, layer.Text("layout"), argument, layer.Text(argument));

    // The state-dict name of the layer's tensor `suffix` (weight, bias, running_mean …), as inference registered it.
    private static string? Tensor(LayerShape layer, string suffix)
    {
        var name = layer.Path + "." + suffix;
        return layer.Tensors.Any(t => t.Name == name) ? name : null;
    }

    private static string Dims(IEnumerable<int> dims) => "[" + string.Join(", ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    // A real as the spec resolves it ("R" format): a valid C# double literal once it has a decimal point or exponent.
    private static string Real(string text) => text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";

    private static long BatchDim(long dim) => dim >= 0 ? dim + 1 : dim;

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string B(bool value) => value ? "true" : "false";
}
