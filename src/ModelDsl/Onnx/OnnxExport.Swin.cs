using static TorchSharp.torch;
using Attribute = ModelDsl.Onnx.OnnxGraph.Attribute;

namespace ModelDsl.Onnx;

// Swin V2's layers on channels-last tokens [N, H, W, C]: the shifted window attention and the patch merging.
public sealed partial class OnnxExport
{
    // torchvision's PatchMergingV2 norm: nn.LayerNorm's default eps (as ModelDsl.PatchMerging builds it).
    private const float PatchMergingEps = 1e-5f;

    // F.normalize's eps: a query or key is divided by max(‖x‖, eps).
    private const float NormalizeEps = 1e-12f;

    /// <summary>
    /// Swin V2's shifted window attention (<see cref="ShiftedWindowAttentionV2"/>). Everything that depends only on the
    /// shape is computed here and written as constants: the padding to whole windows, one Gather that rolls the map by
    /// the shift and groups it into windows (and one that undoes both and cuts the padding), the mask across the rolled
    /// regions. What depends on weights is written as nodes over the module's tensors under their state-dict names —
    /// cosine attention scaled by exp(min(logit_scale, ln 100)), the position bias 16 · sigmoid(cpb_mlp(relative_coords_table))
    /// gathered by relative_position_index — so the file holds the checkpoint's tensors; ONNX Runtime folds the
    /// weight-only part (the bias table, the scale) into constants when it loads the file.
    /// </summary>
    /// <param name="path">The layer's state-dict path.</param>
    /// <param name="x">Its input [N, H, W, C].</param>
    /// <param name="output">Its per-sample shape [H, W, C].</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="window">Window height and width.</param>
    /// <param name="shift">The declared cyclic shift (none along an axis the window covers).</param>
    /// <param name="qkv">The query/key/value Linear's state-dict name (its key bias is not used, as torchvision).</param>
    /// <param name="proj">The output Linear's name.</param>
    /// <param name="cpbMlp">The position bias MLP's name (<c>.0</c> 2 → 512, ReLU, <c>.2</c> 512 → heads).</param>
    public string WindowAttention(string path, string x, int[] output, int heads, int window, int shift, string qkv, string proj, string cpbMlp)
    {
        var (height, width, dim) = (output[0], output[1], output[2]);
        var layout = new WindowLayout(height, width, window, shift);
        var (n, count, headDim) = (window * window, layout.Windows, dim / heads);

        if (layout.PadBottom + layout.PadRight > 0)
        {
            x = graph.Node("Pad", path + "/Pad", path + "/padded", [x, Ints([0, 0, 0, 0, 0, layout.PadBottom, layout.PadRight, 0], [8])]);
        }

        var flat = graph.Node("Reshape", path + "/Reshape_flat", path + "/flat", [x, Ints([0, layout.PaddedHeight * layout.PaddedWidth, dim], [3])]);
        var grouped = graph.Node("Gather", path + "/Gather_windows", path + "/grouped", [flat, Ints(layout.WindowOrder(), [count * n])], Attribute.Of("axis", 1L));
        var tokens = graph.Node("Reshape", path + "/Reshape_windows", path + "/windows", [grouped, Ints([0, count, n, dim], [4])]);

        // q, k, v [N, windows, heads, n, d]; the key's third of the bias zeroed by a constant 0/1 factor.
        var keep = new float[3 * dim];
        Array.Fill(keep, 1f, 0, dim);
        Array.Fill(keep, 1f, 2 * dim, dim);
        var qkvBias = graph.Node("Mul", path + "/qkv_bias", path + "/qkv_bias", [Weight(qkv + ".bias"), Floats(keep, [3 * dim])]);
        var product = graph.Node("MatMul", path + "/qkv/MatMul", path + "/qkv/MatMul", [tokens, Transposed(Weight(qkv + ".weight"))]);
        var projected = graph.Node("Add", path + "/qkv/Add", path + "/qkv", [product, qkvBias]);
        var parts = graph.Node("Split", path + "/Split", [path + "/q", path + "/k", path + "/v"], [projected, Ints([dim, dim, dim], [3])], Attribute.Of("axis", -1L));
        string Heads(string value, string name)
        {
            var split = graph.Node("Reshape", path + "/Reshape_" + name, path + "/" + name + "_heads", [value, Ints([0, 0, 0, heads, headDim], [5])]);
            return graph.Node("Transpose", path + "/Transpose_" + name, path + "/" + name + "_t", [split], Attribute.Of("perm", 0, 1, 3, 2, 4));
        }

        string Normalised(string value, string name)
        {
            var norm = graph.Node("ReduceL2", path + "/ReduceL2_" + name, path + "/" + name + "_norm", [value], Attribute.Of("axes", [-1L]), Attribute.Of("keepdims", 1L));
            var floor = graph.Node("Max", path + "/Max_" + name, path + "/" + name + "_norm_eps", [norm, Constant(NormalizeEps)]);
            return graph.Node("Div", path + "/Div_" + name, path + "/" + name + "_unit", [value, floor]);
        }

        var q = Normalised(Heads(parts[0], "q"), "q");
        var k = graph.Node("Transpose", path + "/Transpose_kT", path + "/kT", [Normalised(Heads(parts[1], "k"), "k")], Attribute.Of("perm", 0, 1, 2, 4, 3));
        var v = Heads(parts[2], "v");
        var cosine = graph.Node("MatMul", path + "/MatMul_qk", path + "/cosine", [q, k]);

        // The learned temperature per head, [heads, 1, 1], clamped at ln 100 before its exponential.
        var clamped = graph.Node("Min", path + "/Min_logit_scale", path + "/logit_scale_clamped", [Weight(path + ".logit_scale"), Constant((float)Math.Log(100.0))]);
        var temperature = graph.Node("Exp", path + "/Exp_logit_scale", path + "/logit_scale_exp", [clamped]);
        var scaled = graph.Node("Mul", path + "/Mul_scale", path + "/scaled", [cosine, temperature]);
        var biased = graph.Node("Add", path + "/Add_bias", path + "/biased", [scaled, PositionBias(path, heads, window, cpbMlp)]);
        if (layout.Shifted)
        {
            biased = graph.Node("Add", path + "/Add_mask", path + "/masked", [biased, Floats(layout.Mask(), [count, 1, n, n])]);
        }

        var weights = graph.Node("Softmax", path + "/Softmax", path + "/weights", [biased], Attribute.Of("axis", -1L));
        var attended = graph.Node("MatMul", path + "/MatMul_v", path + "/attended", [weights, v]);
        var merged = graph.Node("Transpose", path + "/Transpose_merge", path + "/merged_t", [attended], Attribute.Of("perm", 0, 1, 3, 2, 4));
        var joined = graph.Node("Reshape", path + "/Reshape_merge", path + "/merged", [merged, Ints([0, count, n, dim], [4])]);
        var result = Project(path + "/proj", joined, proj + ".weight", proj + ".bias");

        var back = graph.Node("Reshape", path + "/Reshape_tokens", path + "/tokens", [result, Ints([0, count * n, dim], [3])]);
        var restored = graph.Node("Gather", path + "/Gather_map", path + "/restored", [back, Ints(layout.MapOrder(), [height * width])], Attribute.Of("axis", 1L));
        return Annotated(graph.Node("Reshape", path, path, [restored, Ints([0, height, width, dim], [4])]), output);
    }

    /// <summary>
    /// Swin's patch merging (<see cref="PatchMerging"/>): odd sizes padded with zeros, each 2x2 neighbourhood gathered
    /// to 4C in torchvision's order (x0::2,0::2, x1::2,0::2, x0::2,1::2, x1::2,1::2) by Reshape–Transpose–Reshape, the
    /// <c>reduction</c> to 2C, its LayerNorm after (V2) or before (V1, <paramref name="normFirst"/>).
    /// </summary>
    /// <param name="path">The layer's state-dict path.</param>
    /// <param name="x">Its input [N, H, W, C].</param>
    /// <param name="input">Its input's per-sample shape [H, W, C].</param>
    /// <param name="output">Its per-sample shape [⌈H/2⌉, ⌈W/2⌉, 2C].</param>
    /// <param name="reduction">The 4C → 2C Linear's state-dict name.</param>
    /// <param name="norm">The LayerNorm's name.</param>
    /// <param name="normFirst">Whether the norm runs before the reduction (Swin V1).</param>
    public string PatchMerging(string path, string x, int[] input, int[] output, string reduction, string norm, bool normFirst)
    {
        var (height, width, dim) = (input[0], input[1], input[2]);
        var (halfH, halfW) = (output[0], output[1]);
        if (height % 2 + width % 2 > 0)
        {
            x = graph.Node("Pad", path + "/Pad", path + "/padded", [x, Ints([0, 0, 0, 0, 0, height % 2, width % 2, 0], [8])]);
        }

        // [N, H/2, h, W/2, w, C] with h, w the parities; to [N, H/2, W/2, w, h, C], so that 4C runs h fastest, then w.
        var split = graph.Node("Reshape", path + "/Reshape_pairs", path + "/pairs", [x, Ints([0, halfH, 2, halfW, 2, dim], [6])]);
        var ordered = graph.Node("Transpose", path + "/Transpose", path + "/ordered", [split], Attribute.Of("perm", 0, 1, 3, 4, 2, 5));
        var merged = graph.Node("Reshape", path + "/Reshape_merged", path + "/merged", [ordered, Ints([0, halfH, halfW, 4 * dim], [4])]);

        // The last of the two steps is the layer's node, named by its path.
        string Norm(string value, string name) => graph.Node(
            "LayerNormalization", name, name, [value, Weight(norm + ".weight"), Weight(norm + ".bias")], Attribute.Of("axis", -1L), Attribute.Of("epsilon", PatchMergingEps));
        string Reduce(string value, string name) => graph.Node("MatMul", name, name, [value, Transposed(Weight(reduction + ".weight"))]);
        var y = normFirst ? Reduce(Norm(merged, path + "/norm"), path) : Norm(Reduce(merged, path + "/reduction"), path);
        return Annotated(y, output);
    }

    // [heads, n, n]: 16 · sigmoid(cpb_mlp(relative_coords_table)) gathered for every pair of positions in a window.
    private string PositionBias(string path, int heads, int window, string cpbMlp)
    {
        var n = window * window;
        var coordinates = Weight(path + ".relative_coords_table");
        var hidden = graph.Node("Relu", path + "/cpb_mlp/Relu", path + "/cpb_mlp/hidden", [Project(path + "/cpb_mlp/0", coordinates, cpbMlp + ".0.weight", cpbMlp + ".0.bias")]);
        var table = Project(path + "/cpb_mlp/2", hidden, cpbMlp + ".2.weight", bias: null);
        var rows = graph.Node("Reshape", path + "/Reshape_table", path + "/table", [table, Ints([-1, heads], [2])]);
        var pairs = graph.Node("Gather", path + "/Gather_bias", path + "/pair_bias", [rows, Indices(path + ".relative_position_index")], Attribute.Of("axis", 0L));
        var square = graph.Node("Reshape", path + "/Reshape_bias", path + "/pair_bias_nn", [pairs, Ints([n, n, heads], [3])]);
        var byHead = graph.Node("Transpose", path + "/Transpose_bias", path + "/head_bias", [square], Attribute.Of("perm", 2, 0, 1));
        var sigmoid = graph.Node("Sigmoid", path + "/Sigmoid_bias", path + "/head_bias_sigmoid", [byHead]);
        return graph.Node("Mul", path + "/Mul_bias", path + "/position_bias", [sigmoid, Constant(16f)]);
    }

    // The module's int64 tensor of this state-dict name (an index buffer) as an initializer.
    private string Indices(string name)
    {
        if (graph.Has(name))
        {
            return name;
        }

        var tensor = Stored(name);
        if (tensor.dtype != ScalarType.Int64)
        {
            throw new NotSupportedException("ONNX export of " + model + ": tensor '" + name + "' is " + tensor.dtype + "; an index buffer is int64");
        }

        using var scope = NewDisposeScope();
        var dense = tensor.detach().cpu().contiguous();
        return graph.Initializer(name, dense.data<long>().ToArray(), dense.shape);
    }
}
