namespace ModelDsl.Spec;

/// <summary>
/// The submodules inside a composite layer whose state-dict names a declaration may set (<c>QkvName = "qkv"</c>), so
/// that a checkpoint of another implementation (timm's <c>qkv</c>/<c>proj</c> for <c>nn.MultiheadAttention</c>'s
/// <c>in_proj_weight</c>/<c>out_proj</c>) loads strictly. One table for the parser's checks, shape inference's tensor
/// names and the emitters' constructor calls, so the names a model declares are the names its module registers.
/// </summary>
public static class InnerNames
{
    /// <summary>The renamable parts of <paramref name="kind"/> in its <paramref name="layout"/> (empty for a plain layer).</summary>
    /// <param name="kind">A layer kind.</param>
    /// <param name="layout">The layer's <c>layout</c> argument (attention: <c>"torch"</c> or <c>"gpt2"</c>).</param>
    public static IReadOnlyList<InnerPart> Parts(LayerKind kind, string layout) => kind switch
    {
        // nn.MultiheadAttention holds the packed q/k/v projection as two bare parameters; renamed, it is a Linear.
        LayerKind.MultiheadAttention when layout == "gpt2" => new[] { new InnerPart("qkv_name", "c_attn"), new InnerPart("proj_name", "c_proj") },
        LayerKind.MultiheadAttention => new[] { new InnerPart("qkv_name", null, "in_proj_weight", "in_proj_bias"), new InnerPart("proj_name", "out_proj") },
        LayerKind.ShiftedWindowAttentionV2 => new[] { new InnerPart("qkv_name", "qkv"), new InnerPart("proj_name", "proj"), new InnerPart("cpb_mlp_name", "cpb_mlp") },
        LayerKind.PatchMerging => new[] { new InnerPart("reduction_name", "reduction"), new InnerPart("norm_name", "norm") },
        LayerKind.Mamba => new[]
        {
            new InnerPart("in_proj_name", "in_proj"), new InnerPart("conv1d_name", "conv1d"), new InnerPart("x_proj_name", "x_proj"),
            new InnerPart("dt_proj_name", "dt_proj"), new InnerPart("out_proj_name", "out_proj"),
        },
        _ => Array.Empty<InnerPart>(),
    };

    /// <summary>The names <paramref name="kind"/> registers that no part may take: its bare parameters and buffers.</summary>
    /// <param name="kind">A layer kind.</param>
    public static IReadOnlyList<string> Fixed(LayerKind kind) => kind switch
    {
        LayerKind.ShiftedWindowAttentionV2 => new[] { "logit_scale", "relative_coords_table", "relative_position_index" },
        LayerKind.Mamba => new[] { "A_log", "D" },
        _ => Array.Empty<string>(),
    };

    /// <summary>
    /// The submodule name of the part held in <paramref name="argument"/>: the declared name, else the default; null for
    /// <c>nn.MultiheadAttention</c>'s packed projection left as its bare parameters.
    /// </summary>
    /// <param name="kind">The layer's kind.</param>
    /// <param name="layout">Its <c>layout</c> argument.</param>
    /// <param name="argument">The part's argument (<c>qkv_name</c>).</param>
    /// <param name="declared">The argument's resolved text; empty when not declared.</param>
    public static string? Resolve(LayerKind kind, string layout, string argument, string declared)
    {
        if (declared.Length > 0)
        {
            return declared;
        }

        foreach (var part in Parts(kind, layout))
        {
            if (part.Argument == argument)
            {
                return part.Default;
            }
        }

        throw new ArgumentException(kind + " has no inner part '" + argument + "'", nameof(argument));
    }
}

/// <summary>A renamable part of a composite layer.</summary>
public sealed class InnerPart
{
    /// <summary>A part registered as one submodule named <paramref name="defaultName"/> unless renamed.</summary>
    /// <param name="argument">The spec argument holding its name (<c>qkv_name</c>; the attribute's <c>QkvName</c>).</param>
    /// <param name="defaultName">The reference module's name for it; null where it is not a submodule unless renamed.</param>
    /// <param name="unnamed">What it registers while not renamed, where that is not <paramref name="defaultName"/>.</param>
    public InnerPart(string argument, string? defaultName, params string[] unnamed)
    {
        Argument = argument;
        Default = defaultName;
        Unrenamed = defaultName is null ? unnamed : new[] { defaultName };
    }

    /// <summary>The spec argument holding its name.</summary>
    public string Argument { get; }

    /// <summary>The reference module's name, or null (see <see cref="Unrenamed"/>).</summary>
    public string? Default { get; }

    /// <summary>The state-dict names directly under the layer that the part takes while not renamed.</summary>
    public IReadOnlyList<string> Unrenamed { get; }
}
