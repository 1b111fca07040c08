namespace ModelDsl;

/// <summary>
/// Base of the layer attributes (<see cref="Conv2dAttribute"/>, <see cref="ReLUAttribute"/> …). Put one or more on a
/// <c>public partial Layer Name { get; }</c> property of a <see cref="ModelAttribute">model</see> or
/// <see cref="BlockAttribute">block</see>. Input sizes (in channels, in features, normalised features) are inferred
/// from the shape that reaches the layer; only output sizes and options are written.
/// </summary>
/// <remarks>
/// State-dict naming: a property with one layer attribute is that layer, named by the property in snake_case
/// (<c>Conv1</c> → <c>conv1</c>, <c>LmHead</c> → <c>lm_head</c>) unless the attribute sets <see cref="Name"/> (<c>"ln_1"</c>).
/// A property with several runs them in source order as an <c>nn.Sequential</c> named by the property, whose layers
/// are numbered by position (<c>stem.0</c>, <c>stem.1</c> …) unless a layer sets <see cref="Name"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public abstract class LayerAttribute : Attribute
{
    /// <summary>
    /// The layer's state-dict name: inside a property that holds several layers (e.g. <c>"bn1"</c>), where by default it
    /// is numbered by its position; or of a property with this one layer, where by default it is the property's name
    /// in snake_case (set it for a PyTorch name that is not, such as <c>"ln_1"</c>).
    /// </summary>
    public string? Name { get; set; }
}
