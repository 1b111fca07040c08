namespace ModelDsl.Spec;

/// <summary>
/// One node of a model: a layer (Conv2d, Linear …) or a structural node (Sequential, Residual, Block, Stage)
/// whose <see cref="Children"/> run in order.
/// </summary>
/// <param name="Name">
/// The state-dict segment of this node (<c>conv1</c>, <c>downsample</c>, <c>layer1</c>); null numbers it by its
/// position in the parent, as <c>nn.Sequential</c> does (<c>features.3</c>).
/// </param>
/// <param name="Kind">What the node is.</param>
/// <param name="Args">Named arguments; see <see cref="LayerKind"/> for the names per kind.</param>
/// <param name="Children">For <see cref="LayerKind.Sequential"/> and <see cref="LayerKind.Residual"/>: the layers inside.</param>
public sealed record LayerSpec(string? Name, LayerKind Kind, EquatableArray<Arg> Args, EquatableArray<LayerSpec> Children)
{
    /// <summary>
    /// The attribute that declared this node, where the parser knows it. Shape errors anywhere inside a model-level node
    /// are reported there; nodes that inference creates (projections) and hand-built specs have none.
    /// </summary>
    public SourceLocation? Location { get; init; }

    /// <summary>A layer with arguments and no children.</summary>
    /// <param name="name">State-dict segment, or null to be numbered.</param>
    /// <param name="kind">What the layer is.</param>
    /// <param name="args">Named arguments.</param>
    public LayerSpec(string? name, LayerKind kind, params Arg[] args)
        : this(name, kind, args, EquatableArray<LayerSpec>.Empty)
    {
    }

    /// <summary>A named (or numbered) <c>nn.Sequential</c>.</summary>
    /// <param name="name">State-dict segment, or null to be numbered.</param>
    /// <param name="children">The layers, in order.</param>
    public static LayerSpec Sequential(string? name, params LayerSpec[] children) =>
        new(name, LayerKind.Sequential, EquatableArray<Arg>.Empty, children);

    /// <summary>A residual connection around <paramref name="branch"/>.</summary>
    /// <param name="shortcut"><c>"identity"</c>, <c>"projection"</c> or <c>"if-same"</c>.</param>
    /// <param name="branch">The layers of the branch, named in the enclosing scope.</param>
    public static LayerSpec Residual(string shortcut, params LayerSpec[] branch) =>
        new(null, LayerKind.Residual, new[] { Arg.Of("shortcut", shortcut) }, branch);

    /// <summary>The value of argument <paramref name="name"/>, or null when absent.</summary>
    /// <param name="name">Argument name.</param>
    public string? GetArg(string name)
    {
        foreach (var arg in Args)
        {
            if (arg.Name == name)
            {
                return arg.Value;
            }
        }

        return null;
    }
}
