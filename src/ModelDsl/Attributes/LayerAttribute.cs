namespace ModelDsl;

/// <summary>
/// Base of the layer attributes (<see cref="Conv2dAttribute"/>, <see cref="ReLUAttribute"/> …). Put one or more on a
/// <c>public partial Layer Name { get; }</c> property of a <see cref="ModelAttribute">model</see> or
/// <see cref="BlockAttribute">block</see>. Input sizes (in channels, in features, normalised features) are inferred
/// from the shape that reaches the layer; only output sizes and options are written.
/// </summary>
/// <remarks>
/// State-dict naming: a property with one layer attribute is that layer, named by the property in snake_case
/// (<c>Conv1</c> → <c>conv1</c>, <c>LmHead</c> → <c>lm_head</c>). A property with several runs them in source order as an
/// <c>nn.Sequential</c> named by the property, whose layers are numbered by position (<c>stem.0</c>, <c>stem.1</c> …)
/// unless a layer sets <see cref="Name"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public abstract class LayerAttribute : Attribute
{
    /// <summary>
    /// The layer's state-dict name inside a property that holds several layers (e.g. <c>"bn1"</c>); by default it is
    /// numbered by its position. Ignored on a property with a single layer, which takes the property's name.
    /// </summary>
    public string? Name { get; set; }
}
