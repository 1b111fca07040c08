namespace ModelDsl;

/// <summary>
/// On a <see cref="BlockAttribute">block</see>: its layers, from the first through <see cref="Through"/>, are the branch
/// of a residual connection; the block's input is added to the branch's output, then the remaining layers run
/// (ResNet's final ReLU). The residual adds no state-dict level: the branch's layers keep the block's names.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ResidualAttribute : Attribute
{
    /// <summary>A residual connection with the given shortcut.</summary>
    /// <param name="shortcut">What the shortcut does when the branch changes the shape.</param>
    public ResidualAttribute(Shortcut shortcut = Shortcut.Identity) => Shortcut = shortcut;

    /// <summary>What the shortcut does when the branch changes the shape.</summary>
    public Shortcut Shortcut { get; }

    /// <summary>The last property of the branch (write <c>nameof(Bn2)</c>); by default every property.</summary>
    public string? Through { get; set; }

    /// <summary>State-dict name of an inferred projection; <c>"downsample"</c> by default, as torchvision's.</summary>
    public string? ProjectionName { get; set; }
}
