using System.Globalization;
using ModelDsl.Spec;
using static ModelDsl.Generators.Literals;

namespace ModelDsl.Generators;

// The generated ExportOnnx of a model: the resolved tree that forward runs, walked in the same order, one call per layer
// into the runtime's ONNX builder (ModelDsl.Onnx.OnnxExport) with every size and option resolved here, at compile time.
// A residual keeps its input in a variable of its own until its add (or gate); a projection runs on that variable.
// A model with a layer the builder has no mapping for gets an ExportOnnx that throws, naming that layer. An int8 variant's
// export takes a calibration batch (ExportOnnx(path) then says one is needed) and writes each Conv2d with the BatchNorm2d
// and ReLU directly after it as one quantised group (OnnxExport.QuantizedConv).
internal static class OnnxEmitter
{
    private const string Export = "global::ModelDsl.Onnx.OnnxExport";

    // float32's machine epsilon: the RMSNorm eps the runtime uses when none is given (as PyTorch).
    private const string Float32Epsilon = "1.1920928955078125E-07";

    // compressed: the layers an N:M variant stores compressed (NMLinear, NMConv2d), written with their decompressed weights.
    public static void Write(SourceWriter writer, string className, InputSpec input, ShapeResult shapes, Spec.Precision weights, string? notExported = null, Func<LayerShape, bool>? compressed = null)
    {
        compressed ??= _ => false;
        if (notExported is not null)
        {
            writer.Line();
            writer.Line("/// <summary>Not available for this model: " + Xml(notExported) + ".</summary>");
            writer.Line("/// <param name=\"path\">The .onnx file that would be written.</param>");
            writer.Line("/// <exception cref=\"global::System.NotSupportedException\">Always: " + Xml(notExported) + ".</exception>");
            writer.Open("public void ExportOnnx(string path)");
            writer.Line("global::System.ArgumentException.ThrowIfNullOrEmpty(path);");
            writer.Line("throw new global::System.NotSupportedException(" + Quote("ONNX export of " + className + ": " + notExported) + ");");
            writer.Close();
            return;
        }

        var int8 = weights == Spec.Precision.Int8;
        var tokens = input.Kind == Spec.InputKind.Tokens ? ", tokens: true" : string.Empty;
        writer.Line();
        writer.Line("/// <summary>");
        if (int8)
        {
            writer.Line("/// Writes the int8 variant as ONNX in QDQ form (opset 17, the batch dimension dynamic), the form ONNX Runtime runs");
            writer.Line("/// with its int8 kernels: each quantised layer's stored int8 weight and per-channel scales through DequantizeLinear,");
            writer.Line("/// its input through QuantizeLinear/DequantizeLinear at a static uint8 scale calibrated on <paramref name=\"calibration\"/>;");
            writer.Line("/// a convolution's BatchNorm is folded into its scales and bias and its output (after a following ReLU) quantised too.");
            writer.Line("/// Other layers are float, nodes named by their state-dict paths, every layer's output shape annotated.");
        }
        else
        {
            writer.Line("/// Writes the model as ONNX (opset 17, the batch dimension dynamic) with its current weights, from the graph");
            writer.Line("/// <c>forward</c> runs: nodes named by their state-dict paths, initializers by their state-dict names, every layer's");
            writer.Line("/// output shape annotated. Inference form: BatchNorm uses its running statistics, Dropout is the identity.");
            if (weights == Spec.Precision.Int4)
            {
                writer.Line("/// The int4 Linears are written with their dequantised float32 weights (as the module computes on CPU).");
            }

            if (shapes.Layers.Any(compressed))
            {
                writer.Line("/// The N:M layers are written with their decompressed dense float32 weights, zeros included (as the module");
                writer.Line("/// computes on CPU; ONNX has no N:M format).");
            }
        }

        writer.Line("/// </summary>");
        writer.Line("/// <param name=\"path\">The .onnx file to write (replaced only once written in full).</param>");
        if (int8)
        {
            writer.Line("/// <param name=\"calibration\">Representative inputs " + Dims(new[] { "n" }.Concat(input.Dims.Select(d => d.ToString(CultureInfo.InvariantCulture)))) + " (a few hundred samples of real data): the range each activation takes on them sets its scale.</param>");
        }

        var unmapped = FirstUnmapped(shapes.Roots, weights);
        if (unmapped is not null)
        {
            writer.Line("/// <exception cref=\"global::System.NotSupportedException\">Always: " + Xml(unmapped.Path) + " (" + unmapped.Kind + ") has no ONNX mapping.</exception>");
            writer.Open("public void ExportOnnx(string path" + (int8 ? ", global::TorchSharp.torch.Tensor calibration" : string.Empty) + ")");
            writer.Line("global::System.ArgumentException.ThrowIfNullOrEmpty(path);");
            // An exportable custom module is unmapped only in an int8 variant's QDQ form: the message says so.
            writer.Line(unmapped.Kind == LayerKind.Custom && unmapped.Bool("onnx")
                ? "throw new global::System.NotSupportedException(" + Export + ".UnmappedInQdq(" + Quote(className) + ", " + Quote(unmapped.Path) + "));"
                : "throw new global::System.NotSupportedException(" + Export + ".Unmapped(" + Quote(className) + ", " + Quote(unmapped.Path) + ", " + Quote(unmapped.Kind.ToString()) + "));");
            writer.Close();
        }
        else
        {
            writer.Open("public void ExportOnnx(string path" + (int8 ? ", global::TorchSharp.torch.Tensor calibration" : string.Empty) + ")");
            writer.Line("var onnx = new " + Export + "(this, " + Quote(className) + ");");
            if (int8)
            {
                writer.Line("onnx.Calibrate(calibration, " + Dims(input.Dims) + tokens + ");");
            }

            writer.Line("var x = onnx.Input(" + Dims(input.Dims) + tokens + ");");
            new Walk(writer, weights, compressed).Sequence(shapes.Roots, "x");
            writer.Line("onnx.Save(x, " + Dims(shapes.Output!.Dims) + ", path);");
            writer.Close();
        }

        if (int8)
        {
            // The overload every other model has, so that code exporting any model compiles, and says what is missing.
            writer.Line();
            writer.Line("/// <summary>An int8 variant's QDQ export needs a calibration batch: use <c>ExportOnnx(path, calibration)</c>.</summary>");
            writer.Line("/// <param name=\"path\">The .onnx file (not written).</param>");
            writer.Line("/// <exception cref=\"global::System.InvalidOperationException\">Always, saying a calibration batch is needed.</exception>");
            writer.Open("public void ExportOnnx(string path)");
            writer.Line("global::System.ArgumentException.ThrowIfNullOrEmpty(path);");
            writer.Line("throw new global::System.InvalidOperationException(" + Export + ".NeedsCalibration(" + Quote(className) + ", " + Dims(input.Dims) + "));");
            writer.Close();
        }
    }

    // The first primitive (in forward order) the builder cannot map, or null when the whole model exports.
    private static LayerShape? FirstUnmapped(IEnumerable<ResolvedNode> nodes, Spec.Precision weights)
    {
        foreach (var node in nodes)
        {
            if (node.Layer is { } layer && Call(layer, "x", weights) is null)
            {
                return layer;
            }

            var inner = FirstUnmapped(node.Children, weights) ?? (node.Projection is { } projection ? FirstUnmapped(new[] { projection }, weights) : null);
            if (inner is not null)
            {
                return inner;
            }
        }

        return null;
    }

    private sealed class Walk(SourceWriter writer, Spec.Precision weights, Func<LayerShape, bool> compressed)
    {
        private int shortcuts;

        // Writes the calls of sibling nodes in forward order; in an int8 variant a Conv2d takes the BatchNorm2d and then
        // the ReLU that directly follow it into its quantised group.
        public void Sequence(IReadOnlyList<ResolvedNode> nodes, string value)
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                if (weights == Spec.Precision.Int8 && Leaf(nodes[i]) is { Kind: LayerKind.Conv2d } conv)
                {
                    var norm = i + 1 < nodes.Count && Leaf(nodes[i + 1]) is { Kind: LayerKind.BatchNorm2d } bn ? bn : null;
                    var next = norm is null ? i + 1 : i + 2;
                    var relu = next < nodes.Count && Leaf(nodes[next]) is { Kind: LayerKind.ReLU } r ? r : null;
                    writer.Line(value + " = " + QuantizedConv(conv, value, norm, relu) + ";");
                    i = relu is null ? next - 1 : next;
                    continue;
                }

                Node(nodes[i], value);
            }
        }

        // Writes the calls of `node`, reading and then reassigning the variable `value`.
        private void Node(ResolvedNode node, string value)
        {
            switch (node.Kind)
            {
                case LayerKind.Residual:
                    Residual(node, value);
                    break;
                case LayerKind.Sequential or LayerKind.Stage or LayerKind.Block:
                    Sequence(node.Children, value);
                    break;
                default:
                    writer.Line(value + " = " + Call(node.Layer!, value, weights, compressed(node.Layer!)) + ";");
                    break;
            }
        }

        private void Residual(ResolvedNode node, string value)
        {
            // An if-same shortcut skipped where the block changes the shape (MobileNetV2): the branch alone.
            if (node.Add is not { } combine)
            {
                Sequence(node.Children, value);
                return;
            }

            var shortcut = "shortcut" + shortcuts++.ToString(CultureInfo.InvariantCulture);
            var members = node.ShortcutMembers;
            var branch = node.Children.Skip(members).ToList();

            // A split (ShuffleNetV2's chunk): the shortcut is the first half of the input's channels, the branch reads the second.
            if (node.SplitsInput)
            {
                writer.Line("var (" + shortcut + ", " + shortcut + "Branch) = onnx.Split(" + Quote(combine.Path) + ", " + value + ", " + N(node.Input.Dims[0] / 2) + ");");
                writer.Line(value + " = " + shortcut + "Branch;");
            }
            else
            {
                writer.Line("var " + shortcut + " = " + value + ";");
            }

            // A declared shortcut path (ShuffleNetV2's branch1) runs on the residual's input beside the branch.
            Sequence(node.Children.Take(members).ToList(), shortcut);
            Sequence(branch, value);
            if (node.Projection is { } projection)
            {
                Node(projection, shortcut);
            }

            var output = Dims(combine.Output.Dims);
            var join = combine.Kind switch
            {
                LayerKind.ResidualMultiply => "Multiply(",
                LayerKind.ResidualConcat => "Concat(",
                _ => "Add(",
            };
            writer.Line(value + " = onnx." + join + Quote(combine.Path) + ", " + value + ", " + shortcut + ", " + output + ");");
        }

        private static LayerShape? Leaf(ResolvedNode node) =>
            node.Kind is LayerKind.Residual or LayerKind.Sequential or LayerKind.Stage or LayerKind.Block ? null : node.Layer;
    }

    // An int8 convolution with the BatchNorm and ReLU that follow it, if any: one quantised group.
    private static string QuantizedConv(LayerShape conv, string x, LayerShape? norm, LayerShape? relu)
    {
        var args = new List<string>
        {
            Quote(conv.Path),
            x,
            Dims(conv.Output.Dims),
            Quote(conv.Path + ".weight"),
            Quote(conv.Path + ".weight_scale"),
            Tensor(conv, "bias") is { } bias ? Quote(bias) : "null",
            "kernel: " + N(conv.Int("kernel")),
            "stride: " + N(conv.Int("stride")),
            "padding: " + N(conv.Int("padding")),
            "dilation: " + N(conv.Int("dilation")),
            "groups: " + N(conv.Int("groups")),
        };
        if (norm is not null)
        {
            args.Add("norm: " + Quote(norm.Path));
            args.Add("eps: " + Real(norm.Text("eps")));
        }

        if (relu is not null)
        {
            args.Add("relu: " + Quote(relu.Path));
        }

        return "onnx.QuantizedConv(" + string.Join(", ", args) + ")";
    }

    // The builder call for one layer reading `x`, or null for a kind (or option) with no ONNX mapping.
    private static string? Call(LayerShape layer, string x, Spec.Precision weights, bool compressed = false)
    {
        string Op(string method, params string[] args) =>
            "onnx." + method + "(" + string.Join(", ", new[] { Quote(layer.Path), x, Dims(layer.Output.Dims) }.Concat(args.Where(a => a.Length > 0))) + ")";
        // A tensor the mapping needs and the layer lacks (an option the builder does not know) leaves the layer unmapped.
        var missing = false;
        string Named(string suffix)
        {
            var name = Tensor(layer, suffix);
            missing |= name is null;
            return name is null ? "null" : Quote(name);
        }

        string Optional(string suffix) => Tensor(layer, suffix) is { } name ? Quote(name) : "null";

        // A composite layer's part (qkv, reduction, in_proj …) by its state-dict name, the tensors the mapping reads checked.
        string Part(string argument, params string[] suffixes)
        {
            var name = layer.Path + "." + InnerNames.Resolve(layer.Kind, string.Empty, argument, layer.Text(argument));
            missing |= suffixes.Any(suffix => !layer.Tensors.Any(t => t.Name == name + suffix));
            return Quote(name);
        }

        var call = layer.Kind switch
        {
            LayerKind.Linear when Quantization.Quantizes(layer, weights) && weights == Spec.Precision.Int8 =>
                Op("QuantizedLinear", Named("weight"), Quote(layer.Path + ".weight_scale"), Optional("bias")),
            LayerKind.Linear when Quantization.Quantizes(layer, weights) => Op("DequantizedLinear", Optional("bias")),
            LayerKind.Linear when compressed => Op("DequantizedLinear", Optional("bias")),
            LayerKind.Conv2d when compressed => Op(
                "DequantizedConv",
                Optional("bias"),
                "kernel: " + N(layer.Int("kernel")),
                "stride: " + N(layer.Int("stride")),
                "padding: " + N(layer.Int("padding")),
                "dilation: " + N(layer.Int("dilation")),
                "groups: " + N(layer.Int("groups"))),
            LayerKind.Conv2d when Quantization.Quantizes(layer, weights) => QuantizedConv(layer, x, norm: null, relu: null),
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
            LayerKind.LayerNorm2d => Op("LayerNorm2d", Named("weight"), Named("bias"), "eps: " + Real(layer.Text("eps"))),
            LayerKind.ChannelShuffle => Op("ChannelShuffle", "groups: " + N(layer.Int("groups"))),
            LayerKind.LayerScale when layer.Tensors.Count == 1 => Op("LayerScale", Quote(layer.Tensors[0].Name)),
            LayerKind.Permute => Op("Permute", layer.Int("dim2") == -1 ? N(layer.Int("dim0")) + ", " + N(layer.Int("dim1")) : N(layer.Int("dim0")) + ", " + N(layer.Int("dim1")) + ", " + N(layer.Int("dim2"))),
            LayerKind.GroupNorm => Op("GroupNorm", "groups: " + N(layer.Int("groups")), Named("weight"), Named("bias"), "eps: " + Real(layer.Text("eps"))),
            LayerKind.RMSNorm => Op("RMSNorm", Optional("weight"), "eps: " + Float32Epsilon),
            LayerKind.Embedding => Op("Embedding", Named("weight")),
            LayerKind.Dropout => Op("Dropout"),
            // A user's module that implements IOnnxExportable writes its own nodes (float exports only: an int8
            // variant's QDQ groups do not know what it computes).
            LayerKind.Custom when layer.Bool("onnx") && weights != Spec.Precision.Int8 =>
                "onnx.Custom(" + Quote(layer.Path) + ", " + x + ", " + Dims(layer.Input.Dims) + ", " + Dims(layer.Output.Dims) + ")",
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
                Optional(Projection(layer, "proj_name") + ".bias"),
                HeadDim(layer)),
            LayerKind.MultiheadAttention => Op(
                "Attention",
                "heads: " + N(layer.Int("heads")),
                "causal: " + B(layer.Bool("causal")),
                Named(Projection(layer, "qkv_name") + ".weight"),
                Optional(Projection(layer, "qkv_name") + ".bias"),
                Named(Projection(layer, "proj_name") + ".weight"),
                Optional(Projection(layer, "proj_name") + ".bias"),
                HeadDim(layer)),
            LayerKind.PatchEmbedding => Op("PatchEmbedding", Named("weight"), Optional("bias"), "patch: " + N(layer.Int("patch"))),
            LayerKind.ClassToken when layer.Tensors.Count == 1 => Op("ClassToken", Quote(layer.Tensors[0].Name)),
            LayerKind.PositionEmbedding when layer.Tensors.Count == 1 => Op(
                "PositionEmbedding",
                Quote(layer.Tensors[0].Name),
                "maxLength: " + N(layer.Int("max_len")),
                "rowAxis: " + (layer.Text("layout") == "parameter" ? "1" : "0")),
            LayerKind.TakeToken => Op("TakeToken", "index: " + N(layer.Int("index"))),
            LayerKind.ShiftedWindowAttentionV2 when Fixed(layer, "logit_scale", "relative_coords_table", "relative_position_index") => Op(
                "WindowAttention",
                "heads: " + N(layer.Int("heads")),
                "window: " + N(layer.Int("window")),
                "shift: " + N(layer.Int("shift")),
                "qkv: " + Part("qkv_name", ".weight", ".bias"),
                "proj: " + Part("proj_name", ".weight", ".bias"),
                "cpbMlp: " + Part("cpb_mlp_name", ".0.weight", ".0.bias", ".2.weight")),
            LayerKind.PatchMerging =>
                "onnx.PatchMerging(" + Quote(layer.Path) + ", " + x + ", " + Dims(layer.Input.Dims) + ", " + Dims(layer.Output.Dims) + ", " +
                "reduction: " + Part("reduction_name", ".weight") + ", norm: " + Part("norm_name", ".weight", ".bias") + ", normFirst: " + B(layer.Bool("norm_first")) + ")",
            LayerKind.Mamba when Fixed(layer, "A_log", "D") => Op(
                "Mamba",
                "inProj: " + Part("in_proj_name", layer.Bool("bias") ? [".weight", ".bias"] : [".weight"]),
                "conv1d: " + Part("conv1d_name", layer.Bool("conv_bias") ? [".weight", ".bias"] : [".weight"]),
                "xProj: " + Part("x_proj_name", ".weight"),
                "dtProj: " + Part("dt_proj_name", ".weight", ".bias"),
                "outProj: " + Part("out_proj_name", layer.Bool("bias") ? [".weight", ".bias"] : [".weight"]),
                "inner: " + N(layer.Int("expand") * layer.Input.Last),
                "dState: " + N(layer.Int("d_state")),
                "dConv: " + N(layer.Int("d_conv")),
                "dtRank: " + N(layer.Int("dt_rank")),
                "bias: " + B(layer.Bool("bias")),
                "convBias: " + B(layer.Bool("conv_bias"))),
            _ => null,
        };
        return missing ? null : call;
    }

    // Whether the layer registers each of its bare tensors (logit_scale, A_log …) under its path, as the mapping reads them.
    private static bool Fixed(LayerShape layer, params string[] names) => names.All(name => Tensor(layer, name) is not null);

    // A head-pruned attention's head width (its inner width heads · head_dim below the model width); nothing otherwise.
    private static string HeadDim(LayerShape layer) =>
        layer.Int("head_dim") > 0 && layer.Int("heads") * layer.Int("head_dim") != layer.Input.Last ? "headDim: " + N(layer.Int("head_dim")) : string.Empty;

    // An attention's projection as the module registers it (InnerNames): null for nn.MultiheadAttention's bare in_proj.
    private static string? Projection(LayerShape layer, string argument) =>
        InnerNames.Resolve(layer.Kind, layer.Text("layout"), argument, layer.Text(argument));

    // The state-dict name of the layer's tensor `suffix` (weight, bias, running_mean …), as inference registered it.
    private static string? Tensor(LayerShape layer, string suffix)
    {
        var name = layer.Path + "." + suffix;
        return layer.Tensors.Any(t => t.Name == name) ? name : null;
    }

    private static string Dims(IEnumerable<int> dims) => Dims(dims.Select(d => d.ToString(CultureInfo.InvariantCulture)));

    private static string Dims(IEnumerable<string> dims) => "[" + string.Join(", ", dims) + "]";

    // A real as the spec resolves it ("R" format): a valid C# double literal once it has a decimal point or exponent.
    private static string Real(string text) => text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";

    private static long BatchDim(long dim) => dim >= 0 ? dim + 1 : dim;


    private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string B(bool value) => value ? "true" : "false";
}
