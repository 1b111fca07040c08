using System.Globalization;

namespace ModelDsl.Spec;

// The shape rule of every primitive layer kind: output shape and the tensors it registers under PyTorch's
// names. Cost rules live in CostRules; keeping the two apart lets each table read as one page.
internal static class ShapeRules
{
    public static (Shape Output, List<TensorSpec> Tensors) Apply(LayerContext c, Func<string, LayerShape?> findEarlier)
    {
        if (c.Input.Vocabulary > 0 && c.Kind != LayerKind.Embedding)
        {
            throw c.Fail(ShapeErrorKind.ShapeMismatch, null, "real-valued input (token ids need an Embedding first)", "token ids " + c.Input);
        }

        var tensors = new List<TensorSpec>();
        var output = c.Kind switch
        {
            LayerKind.Linear => Linear(c, tensors),
            LayerKind.Conv1d => Conv(c, tensors, spatialDims: 1),
            LayerKind.Conv2d => Conv(c, tensors, spatialDims: 2),
            LayerKind.BatchNorm1d => BatchNorm(c, tensors, 1, 2),
            LayerKind.BatchNorm2d => BatchNorm(c, tensors, 3),
            LayerKind.LayerNorm => LastDimNorm(c, tensors, c.Bool("bias")),
            LayerKind.RMSNorm => LastDimNorm(c, tensors, bias: false),
            LayerKind.GroupNorm => GroupNorm(c, tensors),
            LayerKind.Embedding => Embedding(c, tensors),
            LayerKind.MaxPool2d => Pool(c, c.Int("dilation")),
            LayerKind.AvgPool2d => Pool(c, 1),
            LayerKind.AdaptiveAvgPool2d => AdaptivePool(c),
            LayerKind.Flatten => Shape.Of(checked((int)c.Input.Elements)),
            LayerKind.ChannelShuffle => ChannelShuffle(c),
            LayerKind.Permute => Permute(c),
            LayerKind.PatchMerging => PatchMerging(c, tensors),
            LayerKind.ShiftedWindowAttentionV2 => WindowAttention(c, tensors),
            LayerKind.Softmax or LayerKind.LogSoftmax => Softmax(c),
            LayerKind.Dropout or LayerKind.ReLU or LayerKind.ReLU6 or LayerKind.GELU or LayerKind.SiLU
                or LayerKind.Sigmoid or LayerKind.Tanh or LayerKind.Hardswish or LayerKind.Hardsigmoid => c.Input,
            LayerKind.MultiheadAttention => Attention(c, tensors),
            LayerKind.PatchEmbedding => PatchEmbedding(c, tensors),
            LayerKind.ClassToken => ClassToken(c, tensors),
            LayerKind.LayerScale => LayerScale(c, tensors),
            LayerKind.LayerNorm2d => LayerNorm2d(c, tensors),
            LayerKind.PositionEmbedding => PositionEmbedding(c, tensors),
            LayerKind.TakeToken => TakeToken(c),
            LayerKind.TiedLinear => TiedLinear(c, tensors, findEarlier),
            LayerKind.Mamba => Mamba(c, tensors),
            LayerKind.Custom => Custom(c, tensors),
            _ => throw new InvalidOperationException("not a primitive layer kind: " + c.Kind),
        };
        return (output, tensors);
    }

    private static Shape Linear(LayerContext c, List<TensorSpec> tensors)
    {
        c.RequireRank(1, 2, 3);
        var inFeatures = c.Input.Last;
        CheckDeclaredIn(c, inFeatures, "last dimension");
        var outFeatures = Kept(c.Positive("out"), c.Real("keep"));
        c.Set("out", outFeatures);
        c.Set("in", inFeatures);
        tensors.Add(new TensorSpec(c.Name("weight"), new[] { outFeatures, inFeatures }, Role: TensorRole.Weight));
        if (c.Bool("bias"))
        {
            tensors.Add(new TensorSpec(c.Name("bias"), new[] { outFeatures }, Role: TensorRole.Bias));
        }

        return WithLast(c.Input, outFeatures);
    }

    private static Shape Conv(LayerContext c, List<TensorSpec> tensors, int spatialDims)
    {
        c.RequireRank(spatialDims + 1);
        var channels = c.Input.Dims[0];
        CheckDeclaredIn(c, channels, "input channels");
        var depthwise = c.Bool("depthwise");
        var groups = depthwise ? channels : c.Positive("groups");
        var outChannels = c.Int("out") == 0 && depthwise ? channels : c.Positive("out");
        var kernel = c.Positive("kernel");
        var stride = c.Positive("stride");
        var padding = c.NonNegative("padding");
        var dilation = c.Positive("dilation");
        if (channels % groups != 0 || outChannels % groups != 0)
        {
            throw c.Fail(ShapeErrorKind.InvalidArgument, "groups", Invariant($"groups dividing in channels {channels} and out channels {outChannels}"), Invariant($"groups = {groups}"));
        }

        c.Set("in", channels);
        c.Set("out", outChannels);
        c.Set("groups", groups);
        var dims = new int[spatialDims + 1];
        dims[0] = outChannels;
        for (var i = 1; i <= spatialDims; i++)
        {
            dims[i] = Window(c, c.Input.Dims[i], kernel, stride, padding, dilation);
        }

        var weight = new List<int> { outChannels, channels / groups };
        weight.AddRange(Enumerable.Repeat(kernel, spatialDims));
        tensors.Add(new TensorSpec(c.Name("weight"), weight.ToArray(), Role: TensorRole.Weight));
        if (c.Bool("bias"))
        {
            tensors.Add(new TensorSpec(c.Name("bias"), new[] { outChannels }, Role: TensorRole.Bias));
        }

        return new Shape(dims);
    }

    // torchvision's channel_shuffle views [C, H, W] as [groups, C / groups, H, W]: the groups must divide the channels.
    private static Shape ChannelShuffle(LayerContext c)
    {
        c.RequireRank(3);
        var groups = c.Positive("groups");
        if (c.Input.Dims[0] % groups != 0)
        {
            throw c.Fail(ShapeErrorKind.InvalidArgument, "groups", Invariant($"groups dividing the {c.Input.Dims[0]} input channels"), Invariant($"groups = {groups}"));
        }

        return c.Input;
    }

    // The per-sample dimensions in a new order: (dim0, dim1) for rank 2, (dim0, dim1, dim2) for rank 3.
    private static Shape Permute(LayerContext c)
    {
        var order = c.Int("dim2") == -1 ? new[] { c.Int("dim0"), c.Int("dim1") } : new[] { c.Int("dim0"), c.Int("dim1"), c.Int("dim2") };
        c.RequireRank(order.Length);
        if (!order.OrderBy(d => d).SequenceEqual(Enumerable.Range(0, order.Length)))
        {
            throw c.Fail(ShapeErrorKind.InvalidArgument, "dims", Invariant($"a permutation of the per-sample dimensions 0 … {order.Length - 1}"), "(" + string.Join(", ", order) + ")");
        }

        return new Shape(order.Select(d => c.Input.Dims[d]).ToArray());
    }

    // Channels-last [H, W, C] to [⌈H/2⌉, ⌈W/2⌉, 2C]: torchvision pads odd sizes with zeros before taking 2x2 neighbourhoods.
    private static Shape PatchMerging(LayerContext c, List<TensorSpec> tensors)
    {
        c.RequireRank(3);
        var channels = c.Input.Last;
        tensors.Add(new TensorSpec(c.Name(c.Part("reduction_name") + ".weight"), new[] { checked(2 * channels), checked(4 * channels) }));
        var normed = c.Bool("norm_first") ? 4 * channels : 2 * channels;
        var norm = c.Part("norm_name");
        tensors.Add(new TensorSpec(c.Name(norm + ".weight"), new[] { normed }));
        tensors.Add(new TensorSpec(c.Name(norm + ".bias"), new[] { normed }));
        return Shape.Of((c.Input.Dims[0] + 1) / 2, (c.Input.Dims[1] + 1) / 2, checked(2 * channels));
    }

    // torchvision's ShiftedWindowAttentionV2 on channels-last [H, W, C]: the shape is kept; its tensors, in its order.
    private static Shape WindowAttention(LayerContext c, List<TensorSpec> tensors)
    {
        c.RequireRank(3);
        var width = c.Input.Last;
        var heads = c.Positive("heads");
        var window = c.Positive("window");
        var shift = c.NonNegative("shift");
        if (width % heads != 0)
        {
            throw c.Fail(ShapeErrorKind.InvalidArgument, "heads", Invariant($"heads dividing the width {width}"), Invariant($"heads = {heads}"));
        }

        if (window < 2 || shift >= window)
        {
            throw c.Fail(ShapeErrorKind.InvalidArgument, window < 2 ? "window" : "shift", "a window of at least 2 and a shift below it", Invariant($"window = {window}, shift = {shift}"));
        }

        var table = checked((2 * window) - 1);
        tensors.Add(new TensorSpec(c.Name("logit_scale"), new[] { heads, 1, 1 }));
        tensors.Add(new TensorSpec(c.Name("relative_coords_table"), new[] { 1, table, table, 2 }, IsBuffer: true));
        tensors.Add(new TensorSpec(c.Name("relative_position_index"), new[] { checked(window * window * window * window) }, IsBuffer: true));
        AddLinear(c, tensors, c.Part("qkv_name")!, width, checked(3 * width), bias: true);
        AddLinear(c, tensors, c.Part("proj_name")!, width, width, bias: true);
        var mlp = c.Part("cpb_mlp_name");
        tensors.Add(new TensorSpec(c.Name(mlp + ".0.weight"), new[] { 512, 2 }));
        tensors.Add(new TensorSpec(c.Name(mlp + ".0.bias"), new[] { 512 }));
        tensors.Add(new TensorSpec(c.Name(mlp + ".2.weight"), new[] { heads, 512 }));
        return c.Input;
    }

    private static Shape BatchNorm(LayerContext c, List<TensorSpec> tensors, params int[] ranks)
    {
        c.RequireRank(ranks);
        var channels = c.Input.Dims[0];
        tensors.Add(new TensorSpec(c.Name("weight"), new[] { channels }, Role: TensorRole.Weight));
        tensors.Add(new TensorSpec(c.Name("bias"), new[] { channels }, Role: TensorRole.Bias));
        tensors.Add(new TensorSpec(c.Name("running_mean"), new[] { channels }, IsBuffer: true));
        tensors.Add(new TensorSpec(c.Name("running_var"), new[] { channels }, IsBuffer: true));
        tensors.Add(new TensorSpec(c.Name("num_batches_tracked"), Array.Empty<int>(), IsBuffer: true));
        return c.Input;
    }

    private static Shape LastDimNorm(LayerContext c, List<TensorSpec> tensors, bool bias)
    {
        c.RequireRank(1, 2, 3);
        tensors.Add(new TensorSpec(c.Name("weight"), new[] { c.Input.Last }, Role: TensorRole.Weight));
        if (bias)
        {
            tensors.Add(new TensorSpec(c.Name("bias"), new[] { c.Input.Last }, Role: TensorRole.Bias));
        }

        return c.Input;
    }

    private static Shape GroupNorm(LayerContext c, List<TensorSpec> tensors)
    {
        c.RequireRank(2, 3);
        var channels = c.Input.Dims[0];
        var groups = c.Positive("groups");
        if (channels % groups != 0)
        {
            throw c.Fail(ShapeErrorKind.InvalidArgument, "groups", Invariant($"groups dividing {channels} channels"), Invariant($"groups = {groups}"));
        }

        tensors.Add(new TensorSpec(c.Name("weight"), new[] { channels }, Role: TensorRole.Weight));
        tensors.Add(new TensorSpec(c.Name("bias"), new[] { channels }, Role: TensorRole.Bias));
        return c.Input;
    }

    private static Shape Embedding(LayerContext c, List<TensorSpec> tensors)
    {
        if (c.Input.Vocabulary <= 0)
        {
            throw c.Fail(ShapeErrorKind.ShapeMismatch, null, "token ids (a Tokens input)", "real-valued " + c.Input);
        }

        var vocab = c.Int("vocab") == 0 ? c.Input.Vocabulary : c.Positive("vocab");
        if (vocab < c.Input.Vocabulary)
        {
            throw c.Fail(ShapeErrorKind.ShapeMismatch, "vocab", Invariant($"at least the input vocabulary {c.Input.Vocabulary}"), Invariant($"{vocab}"));
        }

        var dim = c.Positive("dim");
        c.Set("vocab", vocab);
        tensors.Add(new TensorSpec(c.Name("weight"), new[] { vocab, dim }, Role: TensorRole.Weight));
        return new Shape(c.Input.Dims.Concat(new[] { dim }).ToArray());
    }

    private static Shape Pool(LayerContext c, int dilation)
    {
        c.RequireRank(3);
        var kernel = c.Positive("kernel");
        var stride = c.Int("stride") == 0 ? kernel : c.Positive("stride");
        var padding = c.NonNegative("padding");
        if (padding * 2 > kernel)
        {
            // PyTorch's own rule: padding must be at most half the kernel.
            throw c.Fail(ShapeErrorKind.InvalidArgument, "padding", Invariant($"at most kernel / 2 = {kernel / 2}"), Invariant($"{padding}"));
        }

        c.Set("stride", stride);
        var h = Window(c, c.Input.Dims[1], kernel, stride, padding, dilation);
        var w = Window(c, c.Input.Dims[2], kernel, stride, padding, dilation);
        return Shape.Of(c.Input.Dims[0], h, w);
    }

    private static Shape AdaptivePool(LayerContext c)
    {
        c.RequireRank(3);
        var size = c.Positive("size");
        return Shape.Of(c.Input.Dims[0], size, size);
    }

    private static Shape Softmax(LayerContext c)
    {
        var dim = c.Int("dim");
        if (dim < -c.Input.Rank || dim >= c.Input.Rank)
        {
            throw c.Fail(ShapeErrorKind.InvalidArgument, "dim", Invariant($"a dimension in [-{c.Input.Rank}, {c.Input.Rank - 1}]"), Invariant($"{dim}"));
        }

        return c.Input;
    }

    private static Shape Attention(LayerContext c, List<TensorSpec> tensors)
    {
        c.RequireRank(2);
        var dim = c.Input.Last;
        var heads = c.Positive("heads");
        if (c.Int("head_dim") <= 0 && dim % heads != 0)
        {
            throw c.Fail(ShapeErrorKind.InvalidArgument, "heads", Invariant($"a number of heads dividing the width {dim}"), Invariant($"{heads}"));
        }

        // A head-pruning rewrite keeps round(heads · keep_heads) heads of the dense head width: the inner width
        // heads · head_dim is then narrower than the model width the projections read and write.
        var headDim = c.Int("head_dim") > 0 ? c.Int("head_dim") : dim / heads;
        heads = Kept(heads, c.Real("keep_heads"));
        c.Set("heads", heads);
        c.Set("head_dim", headDim);
        var inner = heads * headDim;
        var bias = c.Bool("bias");
        switch (c.Text("layout"))
        {
            case "torch" when c.Part("qkv_name") is null:
                // nn.MultiheadAttention: packed q/k/v projection as a bare parameter, out_proj a Linear.
                tensors.Add(new TensorSpec(c.Name("in_proj_weight"), new[] { 3 * inner, dim }));
                if (bias)
                {
                    tensors.Add(new TensorSpec(c.Name("in_proj_bias"), new[] { 3 * inner }));
                }

                AddLinear(c, tensors, c.Part("proj_name")!, inner, dim, bias);
                break;
            case "gpt2" when inner != dim:
                throw c.Fail(ShapeErrorKind.InvalidArgument, "keep_heads", "whole heads of the \"torch\" layout (the \"gpt2\" layout is not head-pruned)", Invariant($"{heads} heads of {headDim}"));
            case "torch" or "gpt2":
                // The packed projection as a Linear (nanoGPT's c_attn, timm's qkv), then the output projection.
                AddLinear(c, tensors, c.Part("qkv_name")!, dim, 3 * inner, bias);
                AddLinear(c, tensors, c.Part("proj_name")!, inner, dim, bias);
                break;
            default:
                throw c.Fail(ShapeErrorKind.InvalidArgument, "layout", "\"torch\" or \"gpt2\"", "\"" + c.Text("layout") + "\"");
        }

        return c.Input;
    }

    // A width a pruning rewrite keeps: the fraction of it, rounded half away from zero, at least one.
    private static int Kept(int width, double keep) => keep == 1 ? width : Math.Max(1, (int)Math.Round(width * keep, MidpointRounding.AwayFromZero));

    private static Shape PatchEmbedding(LayerContext c, List<TensorSpec> tensors)
    {
        c.RequireRank(3);
        var patch = c.Positive("patch");
        var dim = c.Positive("dim");
        int channels = c.Input.Dims[0], h = c.Input.Dims[1], w = c.Input.Dims[2];
        if (h % patch != 0 || w % patch != 0)
        {
            throw c.Fail(ShapeErrorKind.ShapeMismatch, "patch", Invariant($"height and width divisible by the patch size {patch}"), c.Input.ToString());
        }

        tensors.Add(new TensorSpec(c.Name("weight"), new[] { dim, channels, patch, patch }, Role: TensorRole.Weight));
        if (c.Bool("bias"))
        {
            tensors.Add(new TensorSpec(c.Name("bias"), new[] { dim }, Role: TensorRole.Bias));
        }

        return Shape.Of(h / patch * (w / patch), dim);
    }

    // One scale per channel: [C, 1, 1] broadcast over an image (ConvNeXt), [D] over tokens or a vector.
    private static Shape LayerScale(LayerContext c, List<TensorSpec> tensors)
    {
        c.RequireRank(1, 2, 3);
        tensors.Add(new TensorSpec(c.Path, c.Input.Rank == 3 ? new[] { c.Input.Dims[0], 1, 1 } : new[] { c.Input.Last }));
        return c.Input;
    }

    private static Shape LayerNorm2d(LayerContext c, List<TensorSpec> tensors)
    {
        c.RequireRank(3);
        tensors.Add(new TensorSpec(c.Name("weight"), new[] { c.Input.Dims[0] }, Role: TensorRole.Weight));
        tensors.Add(new TensorSpec(c.Name("bias"), new[] { c.Input.Dims[0] }, Role: TensorRole.Bias));
        return c.Input;
    }

    private static Shape ClassToken(LayerContext c, List<TensorSpec> tensors)
    {
        c.RequireRank(2);
        tensors.Add(new TensorSpec(c.Path, new[] { 1, 1, c.Input.Last }));
        return Shape.Of(c.Input.Dims[0] + 1, c.Input.Last);
    }

    private static Shape PositionEmbedding(LayerContext c, List<TensorSpec> tensors)
    {
        c.RequireRank(2);
        int length = c.Input.Dims[0], dim = c.Input.Last;
        var maxLen = c.Int("max_len") == 0 ? length : c.Positive("max_len");
        if (length > maxLen)
        {
            throw c.Fail(ShapeErrorKind.ShapeMismatch, "max_len", Invariant($"a sequence of at most {maxLen} positions"), c.Input.ToString());
        }

        c.Set("max_len", maxLen);
        switch (c.Text("layout"))
        {
            case "parameter":
                tensors.Add(new TensorSpec(c.Path, new[] { 1, maxLen, dim }));
                break;
            case "embedding":
                tensors.Add(new TensorSpec(c.Name("weight"), new[] { maxLen, dim }, Role: TensorRole.Weight));
                break;
            default:
                throw c.Fail(ShapeErrorKind.InvalidArgument, "layout", "\"parameter\" or \"embedding\"", "\"" + c.Text("layout") + "\"");
        }

        return c.Input;
    }

    // A user's module: the output shape and the parameter count are what its [Custom] declares (the generated model checks
    // both at run time). The declared parameters are carried as one tensor named after the layer, so the parameter count
    // and weight bytes include them; it is not a state-dict name (the module names its own).
    private static Shape Custom(LayerContext c, List<TensorSpec> tensors)
    {
        var dims = new List<int>();
        for (var i = 0; c.Args.Any(a => a.Name == "out" + i.ToString(CultureInfo.InvariantCulture)); i++)
        {
            dims.Add(c.Positive("out" + i.ToString(CultureInfo.InvariantCulture)));
        }

        var parameters = c.NonNegative("parameters");
        foreach (var cost in new[] { "macs", "flops" })
        {
            // 64-bit counts (a large layer's MACs pass 2^31); only their sign is checked here.
            var value = c.Args.First(a => a.Name == cost).Value;
            if (value < 0)
            {
                throw c.Fail(ShapeErrorKind.InvalidArgument, cost, "a non-negative count", value.ToString(CultureInfo.InvariantCulture));
            }
        }

        if (parameters > 0)
        {
            tensors.Add(new TensorSpec(c.Name(CustomLayer.DeclaredParameters), new[] { parameters }));
        }

        return dims.Count == 0 ? c.Input : new Shape(dims.ToArray());
    }

    private static Shape TakeToken(LayerContext c)
    {
        c.RequireRank(2);
        var index = c.NonNegative("index");
        if (index >= c.Input.Dims[0])
        {
            throw c.Fail(ShapeErrorKind.InvalidArgument, "index", Invariant($"an index below the sequence length {c.Input.Dims[0]}"), Invariant($"{index}"));
        }

        return Shape.Of(c.Input.Last);
    }

    private static Shape TiedLinear(LayerContext c, List<TensorSpec> tensors, Func<string, LayerShape?> findEarlier)
    {
        c.RequireRank(1, 2);
        var target = c.Text("tied_to");
        var embedding = findEarlier(target);
        if (embedding is null || embedding.Kind != LayerKind.Embedding)
        {
            throw c.Fail(ShapeErrorKind.UnknownReference, "tied_to", "the path of an earlier Embedding", "\"" + target + "\"" + (embedding is null ? " (no such layer)" : " (a " + embedding.Kind + ")"));
        }

        var vocab = (int)embedding.Int("vocab");
        var dim = embedding.Output.Last;
        if (c.Input.Last != dim)
        {
            throw c.Fail(ShapeErrorKind.ShapeMismatch, null, Invariant($"last dimension {dim} (the width of {target})"), c.Input.ToString());
        }

        tensors.Add(new TensorSpec(c.Name("weight"), new[] { vocab, dim }, TiedTo: target + ".weight", Role: TensorRole.Weight));
        if (c.Bool("bias"))
        {
            tensors.Add(new TensorSpec(c.Name("bias"), new[] { vocab }, Role: TensorRole.Bias));
        }

        return WithLast(c.Input, vocab);
    }

    private static Shape Mamba(LayerContext c, List<TensorSpec> tensors)
    {
        c.RequireRank(2);
        var dim = c.Input.Last;
        var state = c.Positive("d_state");
        var convWidth = c.Positive("d_conv");
        var inner = checked(c.Positive("expand") * dim);

        // mamba_simple.Mamba: dt_rank = "auto" means ceil(d_model / 16).
        var rank = c.Int("dt_rank") == 0 ? (dim + 15) / 16 : c.Positive("dt_rank");
        c.Set("dt_rank", rank);
        var bias = c.Bool("bias");
        AddLinear(c, tensors, c.Part("in_proj_name")!, dim, 2 * inner, bias);
        var conv = c.Part("conv1d_name");
        tensors.Add(new TensorSpec(c.Name(conv + ".weight"), new[] { inner, 1, convWidth }));
        if (c.Bool("conv_bias"))
        {
            tensors.Add(new TensorSpec(c.Name(conv + ".bias"), new[] { inner }));
        }

        AddLinear(c, tensors, c.Part("x_proj_name")!, inner, rank + (2 * state), bias: false);
        AddLinear(c, tensors, c.Part("dt_proj_name")!, rank, inner, bias: true);
        tensors.Add(new TensorSpec(c.Name("A_log"), new[] { inner, state }));
        tensors.Add(new TensorSpec(c.Name("D"), new[] { inner }));
        AddLinear(c, tensors, c.Part("out_proj_name")!, inner, dim, bias);
        return c.Input;
    }

    private static void AddLinear(LayerContext c, List<TensorSpec> tensors, string name, int inFeatures, int outFeatures, bool bias)
    {
        tensors.Add(new TensorSpec(c.Name(name + ".weight"), new[] { outFeatures, inFeatures }));
        if (bias)
        {
            tensors.Add(new TensorSpec(c.Name(name + ".bias"), new[] { outFeatures }));
        }
    }

    private static void CheckDeclaredIn(LayerContext c, int actual, string what)
    {
        var declared = c.Int("in");
        if (declared != 0 && declared != actual)
        {
            throw c.Fail(ShapeErrorKind.ShapeMismatch, "in", Invariant($"{what} {declared}"), Invariant($"{what} {actual} from input {c.Input}"));
        }
    }

    // Output length of a sliding window (conv or pool), PyTorch's floor formula.
    private static int Window(LayerContext c, int length, int kernel, int stride, int padding, int dilation)
    {
        var extent = (dilation * (kernel - 1)) + 1;
        var padded = length + (2 * padding);
        if (padded < extent)
        {
            throw c.Fail(
                ShapeErrorKind.KernelTooLarge,
                "kernel",
                Invariant($"a kernel extent of at most the padded input {padded} ({length} + 2 x {padding})"),
                Invariant($"kernel extent {extent} (kernel {kernel}, dilation {dilation}) on input {c.Input}"));
        }

        return ((padded - extent) / stride) + 1;
    }

    private static Shape WithLast(Shape shape, int last)
    {
        var dims = shape.Dims.ToArray();
        dims[dims.Length - 1] = last;
        return new Shape(dims);
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
