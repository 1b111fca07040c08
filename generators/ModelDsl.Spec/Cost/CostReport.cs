namespace ModelDsl.Spec;

/// <summary>The outcome of <see cref="Cost.Of(ModelSpec, CostOptions?)"/>.</summary>
/// <param name="Layers">Per-layer costs in forward order.</param>
/// <param name="Total">Sums over <paramref name="Layers"/>.</param>
/// <param name="Error">The shape error that prevented costing, or null.</param>
public sealed record CostReport(EquatableArray<LayerCost> Layers, CostTotals Total, ShapeError? Error)
{
    /// <summary>True when the model could be costed.</summary>
    public bool Succeeded => Error is null;

    /// <summary>The cost row at <paramref name="path"/>, or null (the first one if a parameter-free module is reused).</summary>
    /// <param name="path">Module path.</param>
    public LayerCost? Find(string path) => Layers.FirstOrDefault(l => l.Path == path);

    /// <summary>The <paramref name="count"/> layers with the most FLOPs, largest first (for budget diagnostics).</summary>
    /// <param name="count">How many.</param>
    public IReadOnlyList<LayerCost> TopByFlops(int count) =>
        Layers.OrderByDescending(l => l.Flops).ThenBy(l => l.Path, StringComparer.Ordinal).Take(count).ToList();
}
