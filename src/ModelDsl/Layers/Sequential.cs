namespace ModelDsl;

/// <summary>
/// Runs its layers in order (<c>nn.Sequential</c>); children are named "0", "1", … unless names are given.
/// A Linear directly followed by a ReLU runs as one fused native call — same result, one transition fewer.
/// </summary>
public sealed class Sequential : Layer
{
    private readonly Layer[] layers;

    /// <summary>Layers named by position.</summary>
    public Sequential(params Layer[] layers)
        : this(layers.Select((layer, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), layer)).ToArray()) { }

    /// <summary>Layers with explicit names.</summary>
    public Sequential(params (string Name, Layer Layer)[] layers)
    {
        foreach (var (name, layer) in layers)
        {
            RegisterModule(name, layer);
        }
        this.layers = layers.Select(l => l.Layer).ToArray();
    }

    /// <summary>Number of layers.</summary>
    public int Count => layers.Length;

    /// <summary>The layer at <paramref name="index"/>.</summary>
    public Layer this[int index] => layers[index];

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        // Intermediate results are disposed as soon as the next layer has consumed them.
        var x = input;
        for (var i = 0; i < layers.Length; i++)
        {
            Tensor y;
            if (layers[i] is Linear linear && i + 1 < layers.Length && layers[i + 1] is ReLU)
            {
                y = linear.ForwardRelu(x);
                i++;
            }
            else
            {
                y = layers[i].Forward(x);
            }
            if (!ReferenceEquals(x, input))
            {
                x.Dispose();
            }
            x = y;
        }
        return ReferenceEquals(x, input) ? input.Alias() : x;
    }
}
