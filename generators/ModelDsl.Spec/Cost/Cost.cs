namespace ModelDsl.Spec;

/// <summary>Cost accounting (docs/cost-convention.md): MACs, FLOPs, parameters, weight and activation bytes.</summary>
public static class Cost
{
    /// <summary>Infers shapes, then costs every layer with <see cref="CostRules"/>.</summary>
    /// <param name="spec">The model.</param>
    /// <param name="options">Storage assumptions; float32 when null.</param>
    public static CostReport Of(ModelSpec spec, CostOptions? options = null) => Of(Shapes.Infer(spec), options);

    /// <summary>Costs an already inferred model (a failed inference gives an empty report carrying its error).</summary>
    /// <param name="shapes">The result of <see cref="Shapes.Infer"/>.</param>
    /// <param name="options">Storage assumptions; float32 when null.</param>
    public static CostReport Of(ShapeResult shapes, CostOptions? options = null)
    {
        if (shapes.Error is not null)
        {
            return new CostReport(EquatableArray<LayerCost>.Empty, CostTotals.Zero, shapes.Error);
        }

        options ??= CostOptions.Float32;
        var rows = new List<LayerCost>();
        var total = CostTotals.Zero;
        var path = string.Empty;
        try
        {
            foreach (var layer in shapes.Layers)
            {
                path = layer.Path;
                var row = OfLayer(layer, options);
                rows.Add(row);
                total = total.Plus(CostTotals.Of(row));
            }
        }
        catch (OverflowException)
        {
            // Every figure is a long computed with overflow checks: beyond 64 bits is an error to report, never a wrapped number.
            return new CostReport(EquatableArray<LayerCost>.Empty, CostTotals.Zero, Overflow(path, rows.Count == 0 ? null : total));
        }

        return new CostReport(rows.ToEquatableArray(), total, null);
    }

    /// <summary>The error for a cost beyond 64 bits at <paramref name="path"/>.</summary>
    /// <param name="path">The layer whose cost (or whose addition to the running total) overflowed.</param>
    /// <param name="before">The total before that layer, when the layer's own figures fit and only the sum does not.</param>
    internal static ShapeError Overflow(string path, CostTotals? before) =>
        new(ShapeErrorKind.Overflow, path, null, "a cost that fits in 64 bits (at most 9,223,372,036,854,775,807)", before is null ? "more" : "more, once added to the layers before it");

    /// <summary>The cost of one inferred layer.</summary>
    /// <exception cref="OverflowException">A figure beyond 64 bits.</exception>
    /// <param name="layer">A layer after shape inference.</param>
    /// <param name="options">Storage assumptions; float32 when null.</param>
    public static LayerCost OfLayer(LayerShape layer, CostOptions? options = null)
    {
        options ??= CostOptions.Float32;
        var rule = CostRules.For(layer.Kind);
        var macs = rule.Macs(layer);
        var elementwise = rule.ElementwiseFlops(layer);
        var parameters = layer.ParameterCount;
        return checked(new LayerCost(
            layer.Path,
            layer.Kind,
            macs,
            (2 * macs) + elementwise,
            elementwise,
            parameters,
            parameters * options.BytesPerParameter,
            layer.Output.Elements * options.BytesPerActivation));
    }
}
