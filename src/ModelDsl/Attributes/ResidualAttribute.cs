namespace ModelDsl;

/// <summary>
/// On a <see cref="BlockAttribute">block</see>: its layer properties from <see cref="From"/> through <see cref="Through"/>
/// (by default all of them) are the branch of a residual connection: the branch's input is added to its output, then
/// the following properties run (ResNet's final ReLU). A block may have several residuals over disjoint ranges (a
/// transformer layer's attention and MLP). A residual adds no state-dict level: the branch's layers keep the block's
/// names; its additions are costed as <c>add</c>, <c>add_1</c> …, its concatenations as <c>cat</c>, <c>cat_1</c> ….
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ResidualAttribute : Attribute
{
    /// <summary>A residual connection with the given shortcut.</summary>
    /// <param name="shortcut">What the shortcut does when the branch changes the shape.</param>
    public ResidualAttribute(Shortcut shortcut = Shortcut.Identity) => Shortcut = shortcut;

    /// <summary>What the shortcut does when the branch changes the shape.</summary>
    public Shortcut Shortcut { get; }

    /// <summary>The first property of the branch (write <c>nameof(Ln1)</c>); by default the block's first.</summary>
    public string? From { get; set; }

    /// <summary>The last property of the branch (write <c>nameof(Bn2)</c>); by default the block's last.</summary>
    public string? Through { get; set; }

    /// <summary>State-dict name of an inferred projection; <c>"downsample"</c> by default, as torchvision's.</summary>
    public string? ProjectionName { get; set; }

    /// <summary>How the branch joins the input: added (default) or multiplied in, broadcast (a squeeze-excitation gate).</summary>
    public Combine Combine { get; set; }

    /// <summary>
    /// A declared shortcut path: the block's properties from this one up to <see cref="From"/> (exclusive) run on the
    /// residual's input beside the branch, and their output is joined instead of the input (ShuffleNetV2's
    /// <c>torch.cat((branch1(x), branch2(x)), 1)</c>: <c>ShortcutFrom = nameof(Branch1), From = nameof(Branch2)</c>).
    /// </summary>
    public string? ShortcutFrom { get; set; }
}
