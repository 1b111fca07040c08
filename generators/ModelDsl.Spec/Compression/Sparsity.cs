using System.Globalization;
using ModelDsl.Spec;

namespace ModelDsl.Spec;

/// <summary>N:M patterns: at most N non-zeros in every group of M consecutive weights along a layer's reduction dimension.</summary>
public static class Sparsity
{
    /// <summary>Null when <paramref name="pattern"/> is a valid "N:M" (1 ≤ N &lt; M); otherwise why not.</summary>
    public static string? Parse(string pattern, out int n, out int m)
    {
        n = 0;
        m = 0;
        var parts = pattern.Split(':');
        if (parts.Length != 2 ||
            !int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out n) ||
            !int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out m))
        {
            return "write it as \"N:M\" with two positive integers, e.g. \"2:4\"";
        }

        if (n < 1)
        {
            return "N must be at least 1";
        }

        return n >= m ? "N must be smaller than M (N = " + n.ToString(CultureInfo.InvariantCulture) + ", M = " + m.ToString(CultureInfo.InvariantCulture) + ")" : null;
    }

    /// <summary>
    /// The layers an N:M variant sparsifies: every Linear and convolution except depthwise ones and the first one, which
    /// reads the model input (the stem stays dense, as in common 2:4 practice: its reduction dimension is small and odd).
    /// </summary>
    public static IEnumerable<LayerShape> Eligible(ShapeResult shapes)
    {
        var first = true;
        foreach (var layer in shapes.Layers)
        {
            if (layer.Kind is not (LayerKind.Linear or LayerKind.Conv1d or LayerKind.Conv2d))
            {
                continue;
            }

            if (first)
            {
                first = false;
                continue;
            }

            var depthwise = layer.Kind != LayerKind.Linear && ChannelsOf(layer) > 1 && layer.Int("groups") == ChannelsOf(layer);
            if (!depthwise)
            {
                yield return layer;
            }
        }
    }

    /// <summary>The length of one output's dot product: in features, or in channels per group × kernel area.</summary>
    public static long ReductionOf(LayerShape layer) => layer.Kind switch
    {
        LayerKind.Linear => layer.Input.Last,
        LayerKind.Conv1d => ChannelsOf(layer) / Math.Max(1, layer.Int("groups")) * layer.Int("kernel"),
        _ => ChannelsOf(layer) / Math.Max(1, layer.Int("groups")) * layer.Int("kernel") * layer.Int("kernel"),
    };

    /// <summary>Bits of one kept weight's position in its group of <paramref name="m"/>: ⌈log2 M⌉ (2 for 2:4), at least 1.</summary>
    public static int IndexBits(int m)
    {
        var bits = 1;
        while ((1 << bits) < m)
        {
            bits++;
        }

        return bits;
    }

    /// <summary>Positions packed into one byte: 8 / <see cref="IndexBits"/> (4 for 2:4); a position never straddles two bytes.</summary>
    public static int IndexesPerByte(int m) => 8 / IndexBits(m);

    /// <summary>
    /// The stored bytes of an N:M layer: float32 values [out, K] with K = R·N/M kept per output (R the reduction), the
    /// positions [out, ⌈K / per byte⌉] uint8, and the float32 bias. 2:4 on R inputs: 2R + R/8 bytes per output (0.531 of the 4R of float32).
    /// </summary>
    /// <exception cref="OverflowException">Beyond 64 bits.</exception>
    public static long WeightBytes(LayerShape layer, int n, int m)
    {
        var weight = layer.Tensors.First(t => t.Name == layer.Path + ".weight");
        long outputs = weight.Dims[0];
        var kept = checked(weight.Elements / outputs / m * n);
        var indexBytes = (kept + IndexesPerByte(m) - 1) / IndexesPerByte(m);
        var bias = layer.Tensors.Where(t => t.Name == layer.Path + ".bias").Sum(t => t.Elements);
        return checked((outputs * kept * 4) + (outputs * indexBytes) + (bias * 4));
    }

    private static long ChannelsOf(LayerShape layer) => layer.Input.Dims[0];
}
