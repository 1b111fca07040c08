using ModelDsl.Spec;

namespace ModelDsl.Generators;

// The TorchSharp type of the module each member makes, and the types a property may be declared as to hold it: the
// module's own type (typed access: model.Stem.weight without a cast) or one of its bases.
internal static class ModuleTypes
{
    /// <summary>TorchSharp's <c>Module&lt;Tensor, Tensor&gt;</c>, the type of every layer (ModelDsl's <c>Layer</c> alias).</summary>
    public const string Module = "global::TorchSharp.torch.nn.Module<global::TorchSharp.torch.Tensor, global::TorchSharp.torch.Tensor>";

    /// <summary>TorchSharp's <c>Sequential</c>: a member with several attributes, or a stage.</summary>
    public const string Sequential = "global::TorchSharp.Modules.Sequential";

    private const string TorchModules = "global::TorchSharp.Modules.";
    private const string Runtime = "global::ModelDsl.";

    /// <summary>The type of the module a member's spec node makes; <paramref name="block"/> is the used block class for a block use.</summary>
    public static string Of(LayerSpec node, string? block) => node.Kind switch
    {
        LayerKind.Block => block ?? Module,
        LayerKind.Sequential or LayerKind.Stage => Sequential,
        LayerKind.Custom => node.GetArg("type") ?? Module,
        _ => OfLayer(node.Kind, node.GetArg("layout"), node.GetArg("causal")),
    };

    /// <summary>The runtime type of a layer of <paramref name="kind"/> (layout and causal as the spec resolves them).</summary>
    public static string OfLayer(LayerKind kind, string? layout, string? causal) => kind switch
    {
        LayerKind.MultiheadAttention when layout == "gpt2" && causal == "true" => Runtime + "CausalSelfAttention",
        LayerKind.MultiheadAttention => Runtime + "MultiheadAttention",
        LayerKind.PositionEmbedding when layout == "embedding" => Runtime + "PositionEmbedding",
        LayerKind.PositionEmbedding => Runtime + "PositionParameter",
        LayerKind.RMSNorm or LayerKind.PatchEmbedding or LayerKind.ClassToken or LayerKind.TakeToken or LayerKind.TiedLinear or LayerKind.Mamba or
            LayerKind.Permute or LayerKind.PatchMerging or LayerKind.ShiftedWindowAttentionV2 or LayerKind.LayerScale or LayerKind.LayerNorm2d =>
            Runtime + kind,
        _ => TorchModules + kind,
    };

    /// <summary>True for a layer that is a bare parameter of its parent (ViT's <c>class_token</c>), attached rather than registered.</summary>
    public static bool IsParameter(string moduleType) => moduleType is Runtime + "ClassToken" or Runtime + "PositionParameter" or Runtime + "LayerScale";

    /// <summary>The types a property may be declared as to hold a module of <paramref name="moduleType"/>.</summary>
    public static IEnumerable<string> Assignable(string moduleType)
    {
        yield return moduleType;
        if (moduleType.StartsWith(Runtime, StringComparison.Ordinal))
        {
            yield return Runtime + "LayerBase";
            if (IsParameter(moduleType))
            {
                yield return Runtime + "ParameterLayer";
            }
        }

        yield return Module;
        yield return "global::TorchSharp.torch.nn.Module";
    }
}
