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
        var rows = shapes.Layers.Select(layer => OfLayer(layer, options)).ToList();
        var total = new CostTotals(
            rows.Sum(r => r.Macs),
            rows.Sum(r => r.Flops),
            rows.Sum(r => r.ElementwiseFlops),
            rows.Sum(r => r.Parameters),
            rows.Sum(r => r.WeightBytes),
            rows.Sum(r => r.ActivationBytes));
        return new CostReport(rows.ToEquatableArray(), total, null);
    }

    /// <summary>The cost of one inferred layer.</summary>
    /// <param name="layer">A layer after shape inference.</param>
    /// <param name="options">Storage assumptions; float32 when null.</param>
    public static LayerCost OfLayer(LayerShape layer, CostOptions? options = null)
    {
        options ??= CostOptions.Float32;
        var rule = CostRules.For(layer.Kind);
        var macs = rule.Macs(layer);
        var elementwise = rule.ElementwiseFlops(layer);
        var parameters = layer.ParameterCount;
        return new LayerCost(
            layer.Path,
            layer.Kind,
            macs,
            (2 * macs) + elementwise,
            elementwise,
            parameters,
            parameters * options.BytesPerParameter,
            layer.Output.Elements * options.BytesPerActivation);
    }
}
