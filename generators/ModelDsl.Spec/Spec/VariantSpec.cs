namespace ModelDsl.Spec;

/// <summary>A declared compressed variant, carried as data (applying it is a separate step).</summary>
/// <param name="Name">Suffix of the generated class (<c>Slim</c> gives <c>CifarNetSlim</c>).</param>
/// <param name="KeepRatio">Structured pruning: fraction of channels kept, in (0, 1].</param>
/// <param name="Sparsity">N:M sparsity pattern as written, e.g. <c>"2:4"</c>.</param>
/// <param name="Weights">Weight precision.</param>
/// <param name="Rank">Low-rank factorisation rank.</param>
/// <param name="FitBudget">Structured pruning with per-layer widths fitted to the model's budget (<see cref="BudgetSolver.Widths"/>).</param>
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
    double? Prune = null,
    bool GlobalRanking = false,
    double? MinKeep = null);
