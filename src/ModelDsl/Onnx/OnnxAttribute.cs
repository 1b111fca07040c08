namespace ModelDsl.Onnx;

/// <summary>An attribute of a node a custom layer writes (<see cref="OnnxCustomLayer.Node"/>): an int, a float or a list of ints.</summary>
public sealed class OnnxAttribute
{
    private OnnxAttribute(OnnxGraph.Attribute attribute) => Value = attribute;

    internal OnnxGraph.Attribute Value { get; }

    /// <summary>An INT attribute (<c>axis</c>, <c>group</c> …).</summary>
    public static OnnxAttribute Of(string name, long value) => new(OnnxGraph.Attribute.Of(Checked(name), value));

    /// <summary>A FLOAT attribute (<c>alpha</c>, <c>epsilon</c> …).</summary>
    public static OnnxAttribute Of(string name, float value) => new(OnnxGraph.Attribute.Of(Checked(name), value));

    /// <summary>An INTS attribute (<c>perm</c>, <c>kernel_shape</c> …).</summary>
    public static OnnxAttribute Of(string name, params long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(OnnxGraph.Attribute.Of(Checked(name), values));
    }

    private static string Checked(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return name;
    }
}
