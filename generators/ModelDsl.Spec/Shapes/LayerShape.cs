namespace ModelDsl.Spec;

/// <summary>One layer after shape inference: where it is, what goes in and out, and what it registers.</summary>
/// <param name="Path">State-dict-style module path, e.g. <c>layer1.0.conv2</c> or <c>features.3.conv.1.0</c>.</param>
/// <param name="Kind">The layer kind (never a structural kind, except <see cref="LayerKind.ResidualAdd"/>).</param>
/// <param name="Input">Per-sample input shape.</param>
/// <param name="Output">Per-sample output shape.</param>
/// <param name="Arguments">Every argument of the kind, resolved (defaults filled, expressions evaluated).</param>
/// <param name="Tensors">Parameters and buffers with full state-dict names; empty for tied or parameter-free layers.</param>
public sealed record LayerShape(
    string Path,
    LayerKind Kind,
    Shape Input,
    Shape Output,
    EquatableArray<ResolvedArg> Arguments,
    EquatableArray<TensorSpec> Tensors)
{
    /// <summary>The resolved integer (or boolean as 0/1) value of argument <paramref name="name"/>.</summary>
    /// <param name="name">Argument name.</param>
    /// <exception cref="KeyNotFoundException">The kind has no such argument.</exception>
    public long Int(string name) => Find(name).Value;

    /// <summary>The resolved boolean value of argument <paramref name="name"/>.</summary>
    /// <param name="name">Argument name.</param>
    public bool Bool(string name) => Find(name).Value != 0;

    /// <summary>The text of argument <paramref name="name"/>.</summary>
    /// <param name="name">Argument name.</param>
    public string Text(string name) => Find(name).Text ?? string.Empty;

    /// <summary>Number of trainable parameter elements this layer owns (buffers and tied weights excluded).</summary>
    public long ParameterCount => Tensors.Where(t => t.CountsAsParameter).Sum(t => t.Elements);

    private ResolvedArg Find(string name)
    {
        foreach (var arg in Arguments)
        {
            if (arg.Name == name)
            {
                return arg;
            }
        }

        throw new KeyNotFoundException(Path + " has no argument '" + name + "'");
    }
}
