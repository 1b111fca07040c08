namespace ModelDsl.Spec;

/// <summary>
/// Weight storage of an int8 or int4 variant, exactly as the runtime's layers store it: every Linear (not a tied head,
/// and not the projections inside attention, which stay float32) becomes an <c>Int8Linear</c> — int8 values [out, in]
/// and one float32 scale per output channel — or an <c>Int4Linear</c> — 4-bit values two per byte [out, ⌈in/2⌉] and
/// one float32 scale per group of <see cref="Int4Group"/> inputs [out, ⌈in/128⌉]; in an int8 variant every Conv2d
/// becomes an <c>Int8Conv2d</c> — int8 values [out, in / groups, k, k] and one float32 scale per output channel. A bias
/// stays float32, and so does every other layer (norms, embeddings, attention; convolutions of an int4 variant).
/// </summary>
public static class Quantization
{
    /// <summary>Input features per int4 scale (the runtime's <c>Int4Linear.GroupSize</c>).</summary>
    public const int Int4Group = 128;

    /// <summary>
    /// Why libtorch's int4 CUDA kernel (<c>_weight_int4pack_mm</c>) cannot compute an int4 Linear of this size, or null
    /// when it can: it needs the inputs in whole groups of 128 (and its 8 inner k-tiles of 16) and the outputs a multiple
    /// of its 8-wide tile. The runtime's <c>Int4CudaKernel.ShapeRefusal</c> applies the same rule.
    /// </summary>
    /// <param name="inFeatures">The Linear's inputs.</param>
    /// <param name="outFeatures">The Linear's outputs.</param>
    public static string? Int4KernelRefusal(long inFeatures, long outFeatures) =>
        inFeatures % Int4Group != 0 ? Invariant(inFeatures) + " inputs"
        : outFeatures % 8 != 0 ? Invariant(outFeatures) + " outputs"
        : null;

    private static string Invariant(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>True when a variant of <paramref name="precision"/> stores <paramref name="layer"/>'s weight quantised.</summary>
    /// <param name="layer">An inferred layer.</param>
    /// <param name="precision">The variant's weight precision.</param>
    public static bool Quantizes(LayerShape layer, Precision precision) => Quantizes(layer.Kind, precision);

    /// <summary>True when a variant of <paramref name="precision"/> stores the weight of a layer of <paramref name="kind"/> quantised.</summary>
    /// <param name="kind">A layer kind.</param>
    /// <param name="precision">The variant's weight precision.</param>
    public static bool Quantizes(LayerKind kind, Precision precision) => precision switch
    {
        Precision.Int8 => kind is LayerKind.Linear or LayerKind.Conv2d,
        Precision.Int4 => kind == LayerKind.Linear,
        _ => false,
    };

    /// <summary>The bytes of <paramref name="layer"/>'s stored tensors at <paramref name="precision"/> (scales and bias included).</summary>
    /// <exception cref="OverflowException">Beyond 64 bits.</exception>
    /// <param name="layer">An inferred layer.</param>
    /// <param name="precision">The variant's weight precision.</param>
    public static long WeightBytes(LayerShape layer, Precision precision)
    {
        if (!Quantizes(layer, precision))
        {
            return checked(layer.ParameterCount * 4);
        }

        if (layer.Kind == LayerKind.Conv2d)
        {
            // int8 values (every weight element once), one float32 scale per output channel, the float32 bias.
            var channels = (long)layer.Output.Dims[0];
            var weights = layer.Tensors.Where(t => t.Role == TensorRole.Weight).Sum(t => t.Elements);
            return checked(weights + (channels * 4) + (layer.Bool("bias") ? channels * 4 : 0));
        }

        long inFeatures = layer.Input.Last, outFeatures = layer.Output.Last;
        var bias = layer.Bool("bias") ? checked(outFeatures * 4) : 0;
        return precision == Precision.Int8
            ? checked((outFeatures * inFeatures) + (outFeatures * 4) + bias)
            : checked((outFeatures * ((inFeatures + 1) / 2)) + (outFeatures * ((inFeatures + Int4Group - 1) / Int4Group) * 4) + bias);
    }

    /// <summary>
    /// <paramref name="cost"/> (of <paramref name="shapes"/>) with each layer's weight bytes at <paramref name="precision"/>;
    /// MACs, FLOPs and parameters (the number of weight values) are unchanged. Float32 returns the report itself.
    /// </summary>
    /// <param name="shapes">The inferred model.</param>
    /// <param name="cost">Its float32 cost.</param>
    /// <param name="precision">The weight precision.</param>
    public static CostReport Apply(ShapeResult shapes, CostReport cost, Precision precision)
    {
        if (precision == Precision.Float32 || !cost.Succeeded)
        {
            return cost;
        }

        var rows = new List<LayerCost>();
        var total = CostTotals.Zero;
        var path = string.Empty;
        try
        {
            foreach (var (layer, row) in shapes.Layers.Zip(cost.Layers, (l, r) => (l, r)))
            {
                path = layer.Path;
                var stored = row with { WeightBytes = WeightBytes(layer, precision) };
                rows.Add(stored);
                total = total.Plus(CostTotals.Of(stored));
            }
        }
        catch (OverflowException)
        {
            return new CostReport(EquatableArray<LayerCost>.Empty, CostTotals.Zero, Cost.Overflow(path, rows.Count == 0 ? null : total));
        }

        return new CostReport(rows.ToEquatableArray(), total, null);
    }
}
