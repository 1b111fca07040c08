using System.Globalization;
using static TorchSharp.torch;
using Attribute = ModelDsl.Onnx.OnnxGraph.Attribute;

namespace ModelDsl.Onnx;

/// <summary>
/// Builds the ONNX graph of a generated model, one layer at a time, with the module's current weights as initializers
/// under their state-dict names. Generated <c>ExportOnnx</c> methods call it in forward order, with every size resolved at
/// compile time; each layer's main node is named by its state-dict path and its output annotated with its shape (the batch
/// dimension symbolic). The graph is inference-only: BatchNorm uses its running statistics and Dropout is the identity.
/// </summary>
/// <remarks>
/// int8 variants export in QDQ form (OnnxExport.Quantized.cs): their stored int8 weights and scales, activations
/// quantised with scales from a calibration pass (<see cref="Calibrate"/>). int4 variants export dequantised float weights.
/// </remarks>
public sealed partial class OnnxExport
{
    private readonly OnnxGraph graph;
    private readonly Dictionary<string, Tensor> weights;
    private readonly string model;
    private readonly nn.Module module;

    /// <summary>Starts the export of <paramref name="module"/>, whose state dict provides the weights.</summary>
    /// <param name="module">The model.</param>
    /// <param name="modelName">The graph's name (the model's class name).</param>
    public OnnxExport(nn.Module module, string modelName)
    {
        ArgumentNullException.ThrowIfNull(module);
        model = modelName;
        this.module = module;
        graph = new OnnxGraph(modelName);
        weights = module.state_dict();
    }

    /// <summary>The graph input <c>input</c>: <c>[batch, ..dims]</c> float, or int64 token ids where <paramref name="tokens"/>.</summary>
    public string Input(int[] dims, bool tokens = false) => graph.Input("input", tokens ? OnnxGraph.Int64 : OnnxGraph.Float, dims);

    /// <summary>Declares <paramref name="x"/> the output and writes the model to <paramref name="path"/> (replaced only once written in full).</summary>
    /// <param name="x">The last layer's value.</param>
    /// <param name="dims">Its per-sample shape.</param>
    /// <param name="path">The .onnx file to write.</param>
    public void Save(string x, int[] dims, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var output = graph.Node("Identity", "output", "output", [x]);
        graph.Output(output, dims);
        var full = Path.GetFullPath(path);
        var temporary = full + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                var version = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "0";
                graph.WriteTo(stream, version, model + ", exported by ModelDsl from its compile-time graph");
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary><c>nn.Conv1d</c>/<c>nn.Conv2d</c> as Conv (the rank is the weight's).</summary>
    public string Conv(string path, string x, int[] output, string weight, string? bias, int kernel, int stride, int padding, int dilation, int groups)
    {
        var w = Weight(weight);
        var spatial = (int)Dims(weight).Length - 2;
        string[] inputs = bias is null ? [x, w] : [x, w, Weight(bias)];
        var y = graph.Node(
            "Conv",
            path,
            path,
            inputs,
            Attribute.Of("kernel_shape", Repeat(kernel, spatial)),
            Attribute.Of("strides", Repeat(stride, spatial)),
            Attribute.Of("pads", Repeat(padding, 2 * spatial)),
            Attribute.Of("dilations", Repeat(dilation, spatial)),
            Attribute.Of("group", (long)groups));
        return Annotated(y, output);
    }

    /// <summary><c>nn.BatchNorm1d</c>/<c>2d</c> in inference mode: BatchNormalization with the running statistics.</summary>
    public string BatchNorm(string path, string x, int[] output, string weight, string bias, string runningMean, string runningVar, double eps)
    {
        var y = graph.Node(
            "BatchNormalization",
            path,
            path,
            [x, Weight(weight), Weight(bias), Weight(runningMean), Weight(runningVar)],
            Attribute.Of("epsilon", (float)eps));
        return Annotated(y, output);
    }

    /// <summary><c>nn.LayerNorm</c> over the last dimension: LayerNormalization (opset 17).</summary>
    public string LayerNorm(string path, string x, int[] output, string weight, string? bias, double eps)
    {
        string[] inputs = bias is null ? [x, Weight(weight)] : [x, Weight(weight), Weight(bias)];
        var y = graph.Node("LayerNormalization", path, path, inputs, Attribute.Of("axis", -1L), Attribute.Of("epsilon", (float)eps));
        return Annotated(y, output);
    }

    /// <summary>ConvNeXt's <c>LayerNorm2d</c>: the channels of [N, C, H, W] normalised at each position (to NHWC, LayerNormalization, back).</summary>
    public string LayerNorm2d(string path, string x, int[] output, string weight, string bias, double eps)
    {
        var last = graph.Node("Transpose", path + "/Transpose_in", path + "/channels_last", [x], Attribute.Of("perm", 0, 2, 3, 1));
        var normed = graph.Node("LayerNormalization", path + "/LayerNormalization", path + "/normed", [last, Weight(weight), Weight(bias)], Attribute.Of("axis", -1L), Attribute.Of("epsilon", (float)eps));
        return Annotated(graph.Node("Transpose", path, path, [normed], Attribute.Of("perm", 0, 3, 1, 2)), output);
    }

    /// <summary>A layer scale: the input times its learned per-channel factors (<c>[C, 1, 1]</c> on an image, <c>[D]</c> on tokens).</summary>
    public string LayerScale(string path, string x, int[] output, string weight) => Annotated(graph.Node("Mul", path, path, [x, Weight(weight)]), output);

    /// <summary>ShuffleNet's channel shuffle: [N, C, H, W] as [N, g, C/g, H, W], the two group axes swapped, back to [N, C, H, W].</summary>
    public string ChannelShuffle(string path, string x, int[] output, int groups)
    {
        var (c, h, w) = (output[0], output[1], output[2]);
        var grouped = graph.Node("Reshape", path + "/Reshape_groups", path + "/grouped", [x, Ints([0, groups, c / groups, h, w], [5])]);
        var swapped = graph.Node("Transpose", path + "/Transpose", path + "/swapped", [grouped], Attribute.Of("perm", 0, 2, 1, 3, 4));
        return Annotated(graph.Node("Reshape", path, path, [swapped, Ints([0, c, h, w], [4])]), output);
    }

    /// <summary>A permutation of the per-sample dimensions (<paramref name="order"/>, 0-based past the batch).</summary>
    public string Permute(string path, string x, int[] output, params int[] order) =>
        Annotated(graph.Node("Transpose", path, path, [x], Attribute.Of("perm", [0L, .. order.Select(d => (long)d + 1)])), output);

    /// <summary>
    /// <c>nn.GroupNorm</c>: GroupNormalization is opset 18, so the groups are normalised as InstanceNormalization over
    /// <c>[N, groups, rest]</c> (its statistics are exactly the groups'), then scaled per channel.
    /// </summary>
    public string GroupNorm(string path, string x, int[] output, int groups, string weight, string bias, double eps)
    {
        var channels = output[0];
        var ones = Floats(Enumerable.Repeat(1f, groups).ToArray(), [groups]);
        var zeros = Floats(new float[groups], [groups]);
        var grouped = graph.Node("Reshape", path + "/Reshape", path + "/grouped", [x, Ints([0L, groups, -1L], [3])]);
        var normalised = graph.Node("InstanceNormalization", path + "/InstanceNormalization", path + "/normalised", [grouped, ones, zeros], Attribute.Of("epsilon", (float)eps));
        var shape = graph.Node("Shape", path + "/Shape", path + "/shape", [x]);
        var restored = graph.Node("Reshape", path + "/Reshape_back", path + "/restored", [normalised, shape]);
        var perChannel = Ints([channels, .. Enumerable.Repeat(1L, output.Length - 1)], [output.Length]);
        var scale = graph.Node("Reshape", path + "/weight", path + "/weight_c", [Weight(weight), perChannel]);
        var shift = graph.Node("Reshape", path + "/bias", path + "/bias_c", [Weight(bias), perChannel]);
        var scaled = graph.Node("Mul", path + "/Mul", path + "/scaled", [restored, scale]);
        return Annotated(graph.Node("Add", path, path, [scaled, shift]), output);
    }

    /// <summary><c>nn.RMSNorm</c> over the last dimension: x / √(mean(x²) + eps) · weight.</summary>
    public string RMSNorm(string path, string x, int[] output, string? weight, double eps)
    {
        var square = graph.Node("Mul", path + "/Square", path + "/square", [x, x]);
        var mean = graph.Node("ReduceMean", path + "/ReduceMean", path + "/mean", [square], Attribute.Of("axes", [-1L]), Attribute.Of("keepdims", 1L));
        var shifted = graph.Node("Add", path + "/Add", path + "/shifted", [mean, Constant((float)eps)]);
        var root = graph.Node("Sqrt", path + "/Sqrt", path + "/root", [shifted]);
        if (weight is null)
        {
            return Annotated(graph.Node("Div", path, path, [x, root]), output);
        }

        var normalised = graph.Node("Div", path + "/Div", path + "/normalised", [x, root]);
        return Annotated(graph.Node("Mul", path, path, [normalised, Weight(weight)]), output);
    }

    /// <summary>
    /// <c>nn.Linear</c> (and a tied head, whose weight is the embedding's): Gemm on vectors; MatMul with the transposed
    /// weight (folded by ONNX Runtime at load) and Add on sequences, as PyTorch exports it.
    /// </summary>
    public string Linear(string path, string x, int[] output, string weight, string? bias) => FloatLinear(path, x, output, Weight(weight), bias);

    // A Linear whose weight initializer `w` [out, in] is in the graph.
    private string FloatLinear(string path, string x, int[] output, string w, string? bias)
    {
        if (output.Length == 1)
        {
            string[] inputs = bias is null ? [x, w] : [x, w, Weight(bias)];
            return Annotated(graph.Node("Gemm", path, path, inputs, Attribute.Of("transB", 1L)), output);
        }

        var transposed = Transposed(w);
        if (bias is null)
        {
            return Annotated(graph.Node("MatMul", path, path, [x, transposed]), output);
        }

        var product = graph.Node("MatMul", path + "/MatMul", path + "/MatMul", [x, transposed]);
        return Annotated(graph.Node("Add", path, path, [product, Weight(bias)]), output);
    }

    /// <summary><c>nn.Embedding</c>: Gather of the token ids' rows.</summary>
    public string Embedding(string path, string ids, int[] output, string weight) =>
        Annotated(graph.Node("Gather", path, path, [Weight(weight), ids], Attribute.Of("axis", 0L)), output);

    /// <summary><c>nn.ReLU</c>.</summary>
    public string Relu(string path, string x, int[] output) => Unary("Relu", path, x, output);

    /// <summary><c>nn.ReLU6</c>: Clip to [0, 6].</summary>
    public string Relu6(string path, string x, int[] output) =>
        Annotated(graph.Node("Clip", path, path, [x, Constant(0f), Constant(6f)]), output);

    /// <summary><c>nn.GELU</c>, exact: x · ½ · (1 + erf(x / √2)), in the order ONNX Runtime fuses into one Gelu kernel.</summary>
    public string Gelu(string path, string x, int[] output)
    {
        var scaled = graph.Node("Div", path + "/Div", path + "/Div", [x, Constant(1.4142135381698608f)]);
        var erf = graph.Node("Erf", path + "/Erf", path + "/Erf", [scaled]);
        var shifted = graph.Node("Add", path + "/Add", path + "/Add", [erf, Constant(1f)]);
        var product = graph.Node("Mul", path + "/Mul", path + "/Mul", [x, shifted]);
        return Annotated(graph.Node("Mul", path, path, [product, Constant(0.5f)]), output);
    }

    /// <summary><c>nn.SiLU</c>: x · sigmoid(x).</summary>
    public string Silu(string path, string x, int[] output)
    {
        var sigmoid = graph.Node("Sigmoid", path + "/Sigmoid", path + "/Sigmoid", [x]);
        return Annotated(graph.Node("Mul", path, path, [x, sigmoid]), output);
    }

    /// <summary><c>nn.Sigmoid</c>.</summary>
    public string Sigmoid(string path, string x, int[] output) => Unary("Sigmoid", path, x, output);

    /// <summary><c>nn.Tanh</c>.</summary>
    public string Tanh(string path, string x, int[] output) => Unary("Tanh", path, x, output);

    /// <summary><c>nn.Hardswish</c>: HardSwish (opset 14).</summary>
    public string Hardswish(string path, string x, int[] output) => Unary("HardSwish", path, x, output);

    /// <summary><c>nn.Hardsigmoid</c>: HardSigmoid with PyTorch's slope 1/6 and offset ½.</summary>
    public string Hardsigmoid(string path, string x, int[] output) =>
        Annotated(graph.Node("HardSigmoid", path, path, [x], Attribute.Of("alpha", 1f / 6), Attribute.Of("beta", 0.5f)), output);

    /// <summary><c>nn.Softmax</c> over <paramref name="axis"/> (batch included).</summary>
    public string Softmax(string path, string x, int[] output, int axis) =>
        Annotated(graph.Node("Softmax", path, path, [x], Attribute.Of("axis", (long)axis)), output);

    /// <summary><c>nn.LogSoftmax</c> over <paramref name="axis"/> (batch included).</summary>
    public string LogSoftmax(string path, string x, int[] output, int axis) =>
        Annotated(graph.Node("LogSoftmax", path, path, [x], Attribute.Of("axis", (long)axis)), output);

    /// <summary><c>nn.Dropout</c> at inference: Identity (ONNX Runtime removes it).</summary>
    public string Dropout(string path, string x, int[] output) => Unary("Identity", path, x, output);

    /// <summary><c>nn.MaxPool2d</c>.</summary>
    public string MaxPool(string path, string x, int[] output, int kernel, int stride, int padding, int dilation) =>
        Annotated(
            graph.Node(
                "MaxPool",
                path,
                path,
                [x],
                Attribute.Of("kernel_shape", kernel, kernel),
                Attribute.Of("strides", stride, stride),
                Attribute.Of("pads", padding, padding, padding, padding),
                Attribute.Of("dilations", dilation, dilation)),
            output);

    /// <summary><c>nn.AvgPool2d</c> (PyTorch counts the padding in the average by default).</summary>
    public string AvgPool(string path, string x, int[] output, int kernel, int stride, int padding) =>
        Annotated(
            graph.Node(
                "AveragePool",
                path,
                path,
                [x],
                Attribute.Of("kernel_shape", kernel, kernel),
                Attribute.Of("strides", stride, stride),
                Attribute.Of("pads", padding, padding, padding, padding),
                Attribute.Of("count_include_pad", 1L)),
            output);

    /// <summary>
    /// <c>nn.AdaptiveAvgPool2d</c>: GlobalAveragePool to 1×1, AveragePool where the output divides the input; otherwise
    /// (VGG's 7×7 from a small input) the exact linear map PyTorch computes, as two MatMuls with its averaging matrices.
    /// </summary>
    public string AdaptiveAvgPool(string path, string x, int[] input, int[] output)
    {
        var (h, w, oh, ow) = (input[1], input[2], output[1], output[2]);
        if (oh == 1 && ow == 1)
        {
            return Annotated(graph.Node("GlobalAveragePool", path, path, [x]), output);
        }

        if (h % oh == 0 && w % ow == 0)
        {
            var (kh, kw) = (h / oh, w / ow);
            return Annotated(graph.Node("AveragePool", path, path, [x], Attribute.Of("kernel_shape", kh, kw), Attribute.Of("strides", kh, kw)), output);
        }

        var columns = graph.Node("MatMul", path + "/MatMul_w", path + "/columns", [x, Floats(Averaging(w, ow, transpose: true), [w, ow])]);
        return Annotated(graph.Node("MatMul", path, path, [Floats(Averaging(h, oh, transpose: false), [oh, h]), columns]), output);
    }

    /// <summary><c>torch.flatten(x, 1)</c>.</summary>
    public string Flatten(string path, string x, int[] output) => Annotated(graph.Node("Flatten", path, path, [x], Attribute.Of("axis", 1L)), output);

    /// <summary>
    /// A residual's addition. In an int8 export an input that also feeds a quantised layer is read through that layer's
    /// QuantizeLinear/DequantizeLinear, so that ONNX Runtime fuses the add into its int8 add and keeps the residual path int8.
    /// </summary>
    public string Add(string path, string branch, string shortcut, int[] output) =>
        Annotated(graph.Node("Add", path, path, [QuantisedCopy(branch), QuantisedCopy(shortcut)]), output);

    /// <summary>A concatenating residual's join along the channels, shortcut first (DenseNet's <c>torch.cat([x, new], 1)</c>).</summary>
    public string Concat(string path, string branch, string shortcut, int[] output) =>
        Annotated(graph.Node("Concat", path, path, [QuantisedCopy(shortcut), QuantisedCopy(branch)], Attribute.Of("axis", 1L)), output);

    /// <summary>
    /// A split residual's input cut in two along the channels (ShuffleNetV2's <c>x.chunk(2, dim=1)</c>): the first half
    /// is the shortcut, the second the branch's input; each <paramref name="half"/> channels.
    /// </summary>
    public (string Shortcut, string Branch) Split(string path, string x, int half)
    {
        var outputs = graph.Node("Split", path + "/Split", [path + "/shortcut", path + "/branch"], [x, Ints([half, half], [2])], Attribute.Of("axis", 1L));
        return (outputs[0], outputs[1]);
    }

    /// <summary>A gate's product: the kept input scaled by the branch's broadcast output.</summary>
    public string Multiply(string path, string gate, string input, int[] output) => Annotated(graph.Node("Mul", path, path, [input, gate]), output);

    /// <summary>ViT's patch embedding: Conv with stride = kernel = patch, then [N, D, h, w] to tokens [N, h·w, D].</summary>
    public string PatchEmbedding(string path, string x, int[] output, string weight, string? bias, int patch)
    {
        string[] inputs = bias is null ? [x, Weight(weight)] : [x, Weight(weight), Weight(bias)];
        var grid = graph.Node(
            "Conv",
            path + "/Conv",
            path + "/grid",
            inputs,
            Attribute.Of("kernel_shape", patch, patch),
            Attribute.Of("strides", patch, patch));
        var flat = graph.Node("Reshape", path + "/Reshape", path + "/flat", [grid, Ints([0L, output[1], -1L], [3])]);
        return Annotated(graph.Node("Transpose", path, path, [flat], Attribute.Of("perm", 0, 2, 1)), output);
    }

    /// <summary>Prepends the learned class token (expanded over the batch) to the tokens.</summary>
    public string ClassToken(string path, string x, int[] output, string token)
    {
        var batch = graph.Node("Shape", path + "/Shape", path + "/batch", [x], Attribute.Of("start", 0L), Attribute.Of("end", 1L));
        var shape = graph.Node("Concat", path + "/Concat_shape", path + "/shape", [batch, Ints([1L, output[1]], [2])], Attribute.Of("axis", 0L));
        var expanded = graph.Node("Expand", path + "/Expand", path + "/expanded", [Weight(token), shape]);
        return Annotated(graph.Node("Concat", path, path, [expanded, x], Attribute.Of("axis", 1L)), output);
    }

    /// <summary>A learned position embedding added to the tokens: its first T rows (<paramref name="rowAxis"/> 1 for ViT's [1, max, D] parameter, 0 for an nn.Embedding table).</summary>
    public string PositionEmbedding(string path, string x, int[] output, string table, int maxLength, int rowAxis)
    {
        var rows = Weight(table);
        if (output[0] != maxLength)
        {
            rows = graph.Node("Slice", path + "/Slice", path + "/rows", [rows, Ints([0L], [1]), Ints([(long)output[0]], [1]), Ints([(long)rowAxis], [1])]);
        }

        return Annotated(graph.Node("Add", path, path, [x, rows]), output);
    }

    /// <summary>Selects token <paramref name="index"/>: [N, T, D] to [N, D].</summary>
    public string TakeToken(string path, string x, int[] output, int index) =>
        Annotated(graph.Node("Gather", path, path, [x, Ints([(long)index], [])], Attribute.Of("axis", 1L)), output);

    /// <summary>
    /// Multi-head self-attention on [N, T, D] (nn.MultiheadAttention's in_proj/out_proj, or GPT-2's c_attn/c_proj): the
    /// joint projection, Split into q, k, v, heads by Reshape/Transpose, softmax(q·kᵀ/√d (+ causal mask))·v, merged heads,
    /// the output projection. <paramref name="headDim"/> is the head width of a head-pruned attention (its inner width
    /// heads · headDim below D); 0 for D / heads.
    /// </summary>
    public string Attention(string path, string x, int[] output, int heads, bool causal, string inWeight, string? inBias, string outWeight, string? outBias, int headDim = 0)
    {
        var (length, dim) = (output[0], output[1]);
        headDim = headDim > 0 ? headDim : dim / heads;
        var inner = heads * headDim;
        var qkv = Project(path + "/in_proj", x, inWeight, inBias);
        var parts = graph.Node("Split", path + "/Split", [path + "/q", path + "/k", path + "/v"], [qkv, Ints([(long)inner, inner, inner], [3])], Attribute.Of("axis", -1L));
        var headShape = Ints([0L, 0, heads, headDim], [4]);
        string Heads(string value, string name, long[] perm)
        {
            var split = graph.Node("Reshape", path + "/Reshape_" + name, path + "/" + name + "_heads", [value, headShape]);
            return graph.Node("Transpose", path + "/Transpose_" + name, path + "/" + name + "_t", [split], Attribute.Of("perm", perm));
        }

        var q = Heads(parts[0], "q", [0, 2, 1, 3]);
        var k = Heads(parts[1], "k", [0, 2, 3, 1]);
        var v = Heads(parts[2], "v", [0, 2, 1, 3]);
        var scores = graph.Node("MatMul", path + "/MatMul_qk", path + "/scores", [q, k]);
        var scaled = graph.Node("Mul", path + "/Mul_scale", path + "/scaled", [scores, Constant((float)(1 / Math.Sqrt(headDim)))]);
        if (causal)
        {
            var mask = new float[length * length];
            for (var i = 0; i < length; i++)
            {
                for (var j = i + 1; j < length; j++)
                {
                    mask[(i * length) + j] = float.NegativeInfinity;
                }
            }

            scaled = graph.Node("Add", path + "/Add_mask", path + "/masked", [scaled, Floats(mask, [length, length])]);
        }

        var weights = graph.Node("Softmax", path + "/Softmax", path + "/weights", [scaled], Attribute.Of("axis", -1L));
        var attended = graph.Node("MatMul", path + "/MatMul_v", path + "/attended", [weights, v]);
        var merged = graph.Node("Transpose", path + "/Transpose_merge", path + "/merged_t", [attended], Attribute.Of("perm", 0, 2, 1, 3));
        var tokens = graph.Node("Reshape", path + "/Reshape_merge", path + "/merged", [merged, Ints([0L, 0, inner], [3])]);
        return Linear(path, tokens, output, outWeight, outBias);
    }

    private string Project(string name, string x, string weight, string? bias)
    {
        var product = graph.Node("MatMul", name + "/MatMul", name, [x, Transposed(Weight(weight))]);
        return bias is null ? product : graph.Node("Add", name + "/Add", name + "/Add", [product, Weight(bias)]);
    }

    private string Unary(string op, string path, string x, int[] output) => Annotated(graph.Node(op, path, path, [x]), output);

    private string Annotated(string value, int[] output)
    {
        graph.Annotate(value, output);
        return value;
    }

    // A transposed weight: a Transpose of the initializer (kept under its state-dict name), which ONNX Runtime folds into
    // a constant when the session is created.
    private string Transposed(string weight)
    {
        var name = weight + "/T";
        return graph.Has(name) ? name : graph.Node("Transpose", name, name, [weight], Attribute.Of("perm", 1, 0));
    }

    // The module's tensor of this state-dict name as an initializer (added once, however many layers read it).
    private string Weight(string name)
    {
        if (graph.Has(name))
        {
            return name;
        }

        var tensor = Stored(name);
        if (tensor.dtype != ScalarType.Float32)
        {
            throw new NotSupportedException("ONNX export of " + model + ": tensor '" + name + "' is " + tensor.dtype + "; the export writes float32 weights");
        }

        using var scope = NewDisposeScope();
        var dense = tensor.detach().cpu().contiguous();
        return graph.Initializer(name, dense.data<float>().ToArray(), dense.shape);
    }

    private long[] Dims(string name) => weights[name].shape;

    private string Constant(float value) => Floats([value], []);

    private string Floats(float[] data, long[] dims) => graph.Initializer(graph.Fresh("const"), data, dims);

    private string Ints(long[] data, long[] dims) => graph.Initializer(graph.Fresh("const"), data, dims);

    private static long[] Repeat(long value, int count) => Enumerable.Repeat(value, count).ToArray();

    // PyTorch's adaptive average pooling along one axis as a matrix: output i averages inputs floor(i·n/m) … ceil((i+1)·n/m) − 1.
    private static float[] Averaging(int n, int m, bool transpose)
    {
        var matrix = new float[n * m];
        for (var i = 0; i < m; i++)
        {
            var start = i * n / m;
            var end = (((i + 1) * n) + m - 1) / m;
            for (var j = start; j < end; j++)
            {
                matrix[transpose ? (j * m) + i : (i * n) + j] = 1f / (end - start);
            }
        }

        return matrix;
    }

    /// <summary>The message generated <c>ExportOnnx</c> methods throw for a layer with no ONNX mapping.</summary>
    public static string Unmapped(string modelName, string path, string kind) =>
        string.Format(CultureInfo.InvariantCulture, "ONNX export of {0}: layer '{1}' ({2}) has no ONNX mapping", modelName, path, kind);

    /// <summary>
    /// What a generated int8 variant's <c>ExportOnnx</c> throws for a <c>[Custom]</c> module that writes its own nodes: the
    /// QDQ form does not know what they compute, so only the float models export them.
    /// </summary>
    public static string UnmappedInQdq(string modelName, string path) =>
        Unmapped(modelName, path, "Custom") + " in an int8 variant's QDQ form: the nodes its IOnnxExportable module writes are exported by the float models only";
}
