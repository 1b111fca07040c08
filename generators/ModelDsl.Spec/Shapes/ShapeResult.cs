namespace ModelDsl.Spec;

/// <summary>The outcome of <see cref="Shapes.Infer"/>.</summary>
/// <param name="Layers">Every layer in forward order with its shapes (the layers before the error, if any).</param>
/// <param name="Output">The model's per-sample output shape; null on error.</param>
/// <param name="Error">The first shape error, or null.</param>
public sealed record ShapeResult(EquatableArray<LayerShape> Layers, Shape? Output, ShapeError? Error)
{
    /// <summary>The resolved tree: one node per model-level layer, in forward order (empty on error).</summary>
    public EquatableArray<ResolvedNode> Roots { get; init; } = EquatableArray<ResolvedNode>.Empty;

    /// <summary>The model's cost for one sample (float32), the sum over <see cref="Roots"/>.</summary>
    public CostTotals Total { get; init; } = CostTotals.Zero;

    /// <summary>True when every layer has a shape.</summary>
    public bool Succeeded => Error is null;

    /// <summary>The layer at <paramref name="path"/>, or null (the first one if a parameter-free module is reused).</summary>
    /// <param name="path">Module path.</param>
    public LayerShape? Find(string path) => Layers.FirstOrDefault(l => l.Path == path);
}
