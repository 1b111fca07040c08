namespace ModelDsl.Spec;

/// <summary>
/// The arguments each layer kind accepts, with types and defaults: one place the generator, the analyzers
/// and shape inference agree on. An argument not listed here is an error.
/// </summary>
public static class LayerArguments
{
    private static readonly Dictionary<LayerKind, EquatableArray<ArgumentDefinition>> Table = Build();

    /// <summary>The arguments of <paramref name="kind"/>, in declaration order.</summary>
    /// <param name="kind">A layer kind.</param>
    public static EquatableArray<ArgumentDefinition> For(LayerKind kind) =>
        Table.TryGetValue(kind, out var args) ? args : EquatableArray<ArgumentDefinition>.Empty;

    private static Dictionary<LayerKind, EquatableArray<ArgumentDefinition>> Build()
    {
        ArgumentDefinition I(string name, string? def = null) => new(name, ArgumentType.Int, def);
        ArgumentDefinition B(string name, string def) => new(name, ArgumentType.Bool, def);
        ArgumentDefinition T(string name, string? def = null) => new(name, ArgumentType.Text, def);
        ArgumentDefinition R(string name, string def) => new(name, ArgumentType.Real, def);
        ArgumentDefinition Rewritten(ArgumentType type, string name, string def) => new(name, type, def, Internal: true);

        // An inner part's name (InnerNames) defaults to "": the reference module's name for it.
        // "0" as a default means "inferred from the input" (in, out of a depthwise conv, vocab, max_len, dt_rank)
        // or "same as kernel" (pool stride): a real value of 0 is never valid for these.
        var conv = new[] { I("out", "0"), I("kernel"), I("stride", "1"), I("padding", "0"), I("dilation", "1"), I("groups", "1"), B("depthwise", "false"), B("bias", "true"), I("in", "0") };
        var none = Array.Empty<ArgumentDefinition>();

        // PyTorch's defaults; torchvision's MobileNetV3 and EfficientNet set eps = 0.001 and momentum = 0.01.
        var batchNorm = new[] { R("eps", "1E-05"), R("momentum", "0.1") };
        return new Dictionary<LayerKind, EquatableArray<ArgumentDefinition>>
        {
            // keep, keep_heads and head_dim are written by a variant's rewrite (HeadPruning), not by users: the width kept of
            // an MLP's hidden Linear, the heads kept of an attention (head width unchanged), and the width of one head.
            [LayerKind.Linear] = new[] { I("out"), I("in", "0"), B("bias", "true"), Rewritten(ArgumentType.Real, "keep", "1") },
            [LayerKind.Conv1d] = conv,
            [LayerKind.Conv2d] = conv,
            [LayerKind.BatchNorm1d] = batchNorm,
            [LayerKind.BatchNorm2d] = batchNorm,
            [LayerKind.LayerNorm] = new[] { B("bias", "true"), new ArgumentDefinition("eps", ArgumentType.Real, "1E-05") },
            [LayerKind.LayerNorm2d] = new[] { R("eps", "1E-05") },
            [LayerKind.LayerScale] = new[] { R("value", "1E-06") },
            [LayerKind.GroupNorm] = new[] { I("groups"), R("eps", "1E-05") },
            [LayerKind.RMSNorm] = none,
            [LayerKind.Embedding] = new[] { I("dim"), I("vocab", "0") },
            [LayerKind.Dropout] = new[] { new ArgumentDefinition("p", ArgumentType.Real, "0.5") },
            [LayerKind.MaxPool2d] = new[] { I("kernel"), I("stride", "0"), I("padding", "0"), I("dilation", "1") },
            [LayerKind.AvgPool2d] = new[] { I("kernel"), I("stride", "0"), I("padding", "0") },
            [LayerKind.AdaptiveAvgPool2d] = new[] { I("size", "1") },
            [LayerKind.Flatten] = none,
            [LayerKind.ChannelShuffle] = new[] { I("groups") },
            [LayerKind.Permute] = new[] { I("dim0"), I("dim1"), I("dim2", "-1") },
            [LayerKind.PatchMerging] = new[] { B("norm_first", "false"), T("reduction_name", ""), T("norm_name", "") },
            [LayerKind.ShiftedWindowAttentionV2] = new[] { I("heads"), I("window", "8"), I("shift", "0"), T("qkv_name", ""), T("proj_name", ""), T("cpb_mlp_name", "") },
            [LayerKind.ReLU] = none,
            [LayerKind.ReLU6] = none,
            [LayerKind.GELU] = none,
            [LayerKind.SiLU] = none,
            [LayerKind.Sigmoid] = none,
            [LayerKind.Hardswish] = none,
            [LayerKind.Hardsigmoid] = none,
            [LayerKind.Tanh] = none,
            [LayerKind.Softmax] = new[] { I("dim", "-1") },
            [LayerKind.LogSoftmax] = new[] { I("dim", "-1") },
            [LayerKind.MultiheadAttention] = new[] { I("heads"), B("causal", "false"), B("bias", "true"), T("layout", "torch"), T("qkv_name", ""), T("proj_name", ""), Rewritten(ArgumentType.Real, "keep_heads", "1"), Rewritten(ArgumentType.Int, "head_dim", "0") },
            [LayerKind.PatchEmbedding] = new[] { I("dim"), I("patch"), B("bias", "true") },
            [LayerKind.ClassToken] = none,
            [LayerKind.PositionEmbedding] = new[] { I("max_len", "0"), T("layout", "parameter") },
            [LayerKind.TakeToken] = new[] { I("index", "0") },
            [LayerKind.TiedLinear] = new[] { T("tied_to"), B("bias", "false") },
            [LayerKind.Mamba] = new[] { I("d_state", "16"), I("d_conv", "4"), I("expand", "2"), I("dt_rank", "0"), B("conv_bias", "true"), B("bias", "false"),
                T("in_proj_name", ""), T("conv1d_name", ""), T("x_proj_name", ""), T("dt_proj_name", ""), T("out_proj_name", "") },
            [LayerKind.Custom] = new[] { T("type"), T("arguments", ""), T("output", ""), I("parameters", "0"), I("macs", "0"), I("flops", "0"), B("onnx", "false") },
            [LayerKind.ResidualAdd] = none,
            [LayerKind.ResidualMultiply] = none,
            [LayerKind.ResidualConcat] = none,
            [LayerKind.Sequential] = none,
            [LayerKind.Residual] = new[] { T("shortcut", "identity"), T("shortcut_name", "downsample"), T("combine", "add"), I("shortcut_members", "0") },

            // Block and Stage also take the block's own parameters; those are checked against the BlockSpec.
            [LayerKind.Block] = new[] { T("block") },
            [LayerKind.Stage] = new[] { T("block"), I("blocks"), T("item", "{i}") },
        };
    }
}
