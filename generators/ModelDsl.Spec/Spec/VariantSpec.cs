namespace ModelDsl.Spec;

/// <summary>A declared compressed variant, carried as data (applying it is a separate step).</summary>
/// <param name="Name">Suffix of the generated class (<c>Slim</c> gives <c>CifarNetSlim</c>).</param>
/// <param name="KeepRatio">Structured pruning: fraction of channels kept, in (0, 1].</param>
/// <param name="Sparsity">N:M sparsity pattern as written, e.g. <c>"2:4"</c>.</param>
/// <param name="Weights">Weight precision.</param>
/// <param name="Rank">Low-rank factorisation rank.</param>
/// <param name="FitBudget">Structured pruning with per-layer widths fitted to the variant's budget, or the model's (<see cref="BudgetSolver.Widths"/>).</param>
/// <param name="Budget">The variant's own limits, or null: its exact cost is checked against them, and FitBudget fits them.</param>
/// <param name="KeepLayers">Per-layer keep ratios as written, e.g. <c>"layer3 = 0.5"</c> (<see cref="LayerWidths"/>).</param>
/// <param name="RoundTo">Pruned widths rounded to a multiple of this, when above 1.</param>
/// <param name="Prune">Unstructured magnitude pruning: the fraction of weights set to zero.</param>
/// <param name="GlobalRanking">With <paramref name="Prune"/>: one ranking across layers instead of one per layer.</param>
/// <param name="MinKeep">With a global ranking: the fraction of every layer kept at least (null: the runtime's default).</param>
public sealed record VariantSpec(
    string Name,
    double? KeepRatio = null,
    string? Sparsity = null,
    Precision? Weights = null,
    int? Rank = null,
    bool FitBudget = false,
    BudgetSpec? Budget = null,
    string? KeepLayers = null,
    int? RoundTo = null,
    double? Prune = null,
    bool GlobalRanking = false,
    double? MinKeep = null)
{
    /// <summary>The budget a FitBudget variant fits: its own when it declares one, else <paramref name="model"/>'s.</summary>
    /// <param name="model">The dense model's budget, or null.</param>
    public BudgetSpec? FittedBudget(BudgetSpec? model) => Budget ?? model;
}
