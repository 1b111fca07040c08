namespace ModelDsl.Spec;

/// <summary>
/// One node of a model after shape inference: the resolved tree the emitter and the analyzers both walk, so that
/// neither re-derives a path, a shape or a cost. Structural nodes keep their structure (a block use holds the block's
/// layers, a residual its branch and what inference decided about its shortcut); a primitive holds its inferred row.
/// </summary>
/// <param name="Name">The state-dict segment (<c>conv1</c>, <c>0</c>); empty for a residual, which is transparent for naming.</param>
/// <param name="Path">The full state-dict path (<c>layer1.0.conv1</c>).</param>
/// <param name="Kind">
/// A primitive kind, <see cref="LayerKind.Sequential"/>, <see cref="LayerKind.Stage"/> (a named stage: an nn.Sequential of
/// its blocks; an unnamed stage's blocks join their parent), <see cref="LayerKind.Block"/> or <see cref="LayerKind.Residual"/>.
/// </param>
/// <param name="Input">Per-sample input shape.</param>
/// <param name="Output">Per-sample output shape.</param>
/// <param name="Cost">The node's cost for one sample, its children's included (float32 storage).</param>
/// <param name="Children">Sequential, stage and block children, or a residual's branch, in forward order.</param>
public sealed record ResolvedNode(
    string Name,
    string Path,
    LayerKind Kind,
    Shape Input,
    Shape Output,
    CostTotals Cost,
    EquatableArray<ResolvedNode> Children)
{
    /// <summary>The attribute that declared the node, when the parser recorded one.</summary>
    public SourceLocation? Location { get; init; }

    /// <summary>For a primitive: its inferred row (resolved arguments, tensors, shapes).</summary>
    public LayerShape? Layer { get; init; }

    /// <summary>For a block use: the block's spec name (<c>Demo.BasicBlock</c>).</summary>
    public string? Block { get; init; }

    /// <summary>
    /// For a block use: the values its expressions saw — <c>in_channels</c> (the use's input channels) first, then each
    /// declared parameter in order — so the emitter can call the block's own constructor with them.
    /// </summary>
    public EquatableArray<ResolvedArg> BlockArguments { get; init; } = EquatableArray<ResolvedArg>.Empty;

    /// <summary>For a residual: the projection inference added where the branch changes the shape (an nn.Sequential of a 1×1 conv and a BatchNorm2d).</summary>
    public ResolvedNode? Projection { get; init; }

    /// <summary>For a residual: the addition's row, or null where an if-same shortcut is skipped because the shapes differ.</summary>
    public LayerShape? Add { get; init; }

    /// <summary>
    /// For a residual: how many of its first children are a declared shortcut path, run on the residual's input beside the
    /// branch (ShuffleNetV2's <c>branch1</c>); 0 when the shortcut is the input (or half of it) as it is.
    /// </summary>
    public int ShortcutMembers { get; init; }

    /// <summary>
    /// For a residual: whether its input is split along the channels (ShuffleNetV2's chunk), the first half the shortcut
    /// and the second the branch's input.
    /// </summary>
    public bool SplitsInput { get; init; }

    /// <summary>The members of a block use in declaration order: its children with residuals looked through.</summary>
    public IEnumerable<ResolvedNode> Members => Children.SelectMany(c => c.Kind == LayerKind.Residual ? c.Children.AsEnumerable() : new[] { c });

    /// <summary>The residuals of a block use, in member order.</summary>
    public IEnumerable<ResolvedNode> Residuals => Children.Where(c => c.Kind == LayerKind.Residual);
}
