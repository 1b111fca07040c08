using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ModelDsl.Spec;

/// <summary>
/// What a declared variant becomes at compile time: the one rewrite both the generator (the class, its constants and
/// FromDense) and the analyzers (budgets met by a variant) use. Structured pruning scales the widths
/// (<see cref="WidthScaling"/>), then int8/int4 change the Linears' storage (<see cref="Quantization"/>); a rank
/// factors the Linears where it pays (<see cref="LowRank"/>); N:M sparsity and unstructured magnitude pruning keep the
/// shapes and change the layers' storage and effective MACs (<see cref="SparseFormat"/>). Generated: pruning (a keep ratio, or widths fitted to the budget), int8, int4,
/// pruning with int8 or int4, and a rank, an N:M pattern or a Prune fraction alone; those three combined with anything
/// are not (yet) a class.
/// </summary>
/// <param name="Variant">The declared variant.</param>
/// <param name="Spec">The rewritten spec (widths scaled, Linears factored).</param>
/// <param name="Shapes">Its inferred shapes.</param>
/// <param name="Cost">Its exact cost, weight bytes in the variant's storage format.</param>
/// <param name="Keep">The keep ratio (1 when the variant does not prune).</param>
/// <param name="Weights">The weight precision (Float32 when the variant does not quantise).</param>
/// <param name="Rank">The rank, for a rank variant.</param>
/// <param name="Factored">The dense paths of the Linears a rank variant factors.</param>
/// <param name="Fitted">For a FitBudget or per-layer (KeepLayers, RoundTo) variant: each width site's dense and chosen width (<see cref="WidthScaling.Sites"/>).</param>
/// <param name="Sparse">For an N:M or Prune variant: the sparsified layers and their storage.</param>
/// <param name="KeepHeads">The fraction of attention heads kept (1 when the variant does not prune heads; <see cref="HeadPruning"/>).</param>
/// <param name="KeepHidden">The fraction of MLP hidden neurons kept (1 when the variant does not prune them).</param>
public sealed record VariantRewrite(
    VariantSpec Variant,
    ModelSpec Spec,
    ShapeResult Shapes,
    CostReport Cost,
    double Keep,
    Precision Weights,
    int? Rank,
    EquatableArray<string> Factored,
    EquatableArray<(string Layer, long Dense, long Fitted)> Fitted = default,
    SparseFormat? Sparse = null,
    double KeepHeads = 1,
    double KeepHidden = 1)
{
    /// <summary>
    /// Why a variant that is otherwise valid does not become a class, or null: a rank, an N:M pattern or a Prune
    /// fraction combined with another compression, or FitBudget with anything but Weights (MDSL3009 reports it).
    /// </summary>
    /// <param name="variant">A declared variant.</param>
    public static string? NotGenerated(VariantSpec variant) =>
        HeadPruning.Asks(variant, out _, out _) && (variant.FitBudget || LayerWidths.Applies(variant) || variant.Rank is not null || variant.Sparsity is not null || variant.Prune is not null)
            ? "KeepHeads and KeepHidden combine with KeepChannels and Weights only (declare FitBudget, KeepLayers, RoundTo, Rank, Sparsity or Prune as a variant of its own)"
            : variant.Sparsity is not null && variant.Prune is not null
            ? "Sparsity (N:M) and Prune (unstructured) are two sparsity patterns; declare each as a variant of its own"
            : (variant.Sparsity is not null || variant.Prune is not null) && !variant.FitBudget &&
              (variant.KeepRatio is { } kept && kept != 1 || LayerWidths.Applies(variant) || variant.Weights is Precision.Int8 or Precision.Int4 || variant.Rank is not null)
            ? (variant.Sparsity is not null ? "an N:M Sparsity" : "a Prune fraction") + " combined with KeepChannels, KeepLayers, RoundTo, Weights or Rank is not generated yet (declare each as a variant of its own)"
            : variant.FitBudget && (variant.KeepRatio is { } ratio && ratio != 1 || LayerWidths.Applies(variant) || variant.Rank is not null || variant.Sparsity is not null || variant.Prune is not null)
            ? "FitBudget chooses the widths itself and combines only with Weights yet (declare the other compression as a variant of its own)"
            : variant.Rank is not null && (variant.KeepRatio is { } keep && keep != 1 || LayerWidths.Applies(variant) || variant.Weights is Precision.Int8 or Precision.Int4)
            ? "a Rank combined with KeepChannels or Weights is not generated yet (declare each as a variant of its own)"
            : null;

    /// <summary>True when the variant prunes channels.</summary>
    public bool Prunes => Keep < 1 || Fitted.Count > 0 || KeepHeads < 1 || KeepHidden < 1;

    /// <summary>
    /// The rewrite of <paramref name="variant"/> of <paramref name="dense"/>, or null when it does not become a class: it
    /// changes nothing, has an invalid ratio, rank or sparsity, empties a layer, or combines a rank, an N:M pattern or
    /// a Prune fraction with another compression (the analyzers report the invalid ones).
    /// </summary>
    /// <param name="dense">The dense model.</param>
    /// <param name="variant">One of its variants.</param>
    public static VariantRewrite? Of(ModelSpec dense, VariantSpec variant) =>
        Rewrites.GetValue(dense, _ => new ConcurrentDictionary<VariantSpec, Lazy<VariantRewrite?>>())
            .GetOrAdd(variant, v => new Lazy<VariantRewrite?>(() => Rewrite(dense, v))).Value;

    // Each variant's rewrite once per spec instance: the analyzers ask for it from several checks (its cost line, its
    // compression and head checks, the budget), and for a 500-layer model each rewrite is a whole inference and costing.
    // Keyed by the instance, so a new parse (an edit) never sees an old result; both are immutable records.
    private static readonly ConditionalWeakTable<ModelSpec, ConcurrentDictionary<VariantSpec, Lazy<VariantRewrite?>>> Rewrites = new();

    private static VariantRewrite? Rewrite(ModelSpec dense, VariantSpec variant)
    {
        if (HeadPruning.Asks(variant, out var keepHeads, out var keepHidden) && NotGenerated(variant) is not null)
        {
            return null;
        }

        if (variant.Sparsity is not null || variant.Prune is not null)
        {
            return Sparsify(dense, variant);
        }

        if (variant.FitBudget)
        {
            return Fit(dense, variant);
        }

        var weights = variant.Weights ?? Precision.Float32;
        if (LayerWidths.Applies(variant))
        {
            return PerLayer(dense, variant, weights);
        }

        var prunes = WidthScaling.Prunes(dense, variant, out var keep);
        if (variant.KeepRatio is { } ratio && ratio != 1 && !prunes)
        {
            return null;
        }

        if (variant.Rank is { } rank)
        {
            if (rank < 1 || NotGenerated(variant) is not null)
            {
                return null;
            }

            var shapes = ModelDsl.Spec.Shapes.Infer(dense);
            var (factoredSpec, factored) = LowRank.Apply(dense, shapes, rank);
            if (factored.Count == 0)
            {
                return null;
            }

            var factoredShapes = ModelDsl.Spec.Shapes.Infer(factoredSpec);
            return new VariantRewrite(variant, factoredSpec, factoredShapes, ModelDsl.Spec.Cost.Of(factoredShapes), 1, weights, rank, factored);
        }

        var spec = prunes ? WidthScaling.Apply(dense, keep) : dense;
        var narrowed = HeadPruning.Apply(spec, keepHeads, keepHidden);
        var structural = narrowed != spec && ModelDsl.Spec.Cost.Of(ModelDsl.Spec.Shapes.Infer(narrowed)).Total != ModelDsl.Spec.Cost.Of(ModelDsl.Spec.Shapes.Infer(spec)).Total;
        if (!prunes && !structural && weights == Precision.Float32)
        {
            return null;
        }

        spec = structural ? narrowed : spec;
        var inferred = ModelDsl.Spec.Shapes.Infer(spec);
        var cost = Quantization.Apply(inferred, ModelDsl.Spec.Cost.Of(inferred), weights);
        return new VariantRewrite(variant, spec, inferred, cost, prunes ? keep : 1, weights, null, EquatableArray<string>.Empty,
            KeepHeads: structural ? keepHeads : 1, KeepHidden: structural ? keepHidden : 1);
    }

    // N:M or Prune alone: the dense shapes, each sparsified layer's storage and effective MACs.
    private static VariantRewrite? Sparsify(ModelSpec dense, VariantSpec variant)
    {
        if (NotGenerated(variant) is not null || variant.FitBudget)
        {
            return null;
        }

        var shapes = ModelDsl.Spec.Shapes.Infer(dense);
        if (shapes.Error is not null || SparseFormat.Of(shapes, variant) is not { } format)
        {
            return null;
        }

        var cost = format.Apply(shapes, ModelDsl.Spec.Cost.Of(shapes));
        return new VariantRewrite(variant, dense, shapes, cost, 1, Precision.Float32, null, EquatableArray<string>.Empty, default, format);
    }

    // KeepLayers / RoundTo: a width per site; no class where a ratio or name is invalid, nothing changes, or the widths
    // do not make the dense network with narrower layers (the analyzers say which).
    private static VariantRewrite? PerLayer(ModelSpec dense, VariantSpec variant, Precision weights)
    {
        if (variant.Rank is not null || LayerWidths.Of(dense, variant) is not { } widths || LayerWidths.NotTheSameNetwork(dense, widths) is not null)
        {
            return null;
        }

        var sites = WidthScaling.Sites(dense);
        var prunes = sites.Select((site, i) => widths[i] != site.Width).Any(changed => changed);
        if (!prunes && weights == Precision.Float32)
        {
            return null;
        }

        var spec = prunes ? WidthScaling.Apply(dense, widths) : dense;
        var inferred = ModelDsl.Spec.Shapes.Infer(spec);
        var cost = Quantization.Apply(inferred, ModelDsl.Spec.Cost.Of(inferred), weights);
        var perSite = prunes ? sites.Select((site, i) => (site.Layer, site.Width, widths[i])).ToEquatableArray() : default;
        return new VariantRewrite(variant, spec, inferred, cost, 1, weights, null, EquatableArray<string>.Empty, perSite);
    }

    // FitBudget: the budget solver's per-layer widths under the variant's own budget (or the model's); no class where
    // there is no budget, the model meets it already, no widths fit, or the variant also asks for a compression other
    // than Weights. With Weights, the widths are fitted in float32 and the weights then stored quantised: quantisation
    // changes no MAC or FLOP and only lowers weight bytes, so the fitted widths still meet every limit.
    private static VariantRewrite? Fit(ModelSpec dense, VariantSpec variant)
    {
        if (variant.FittedBudget(dense.Budget) is not { } budget || NotGenerated(variant) is not null || BudgetSolver.Fits(dense, budget) ||
            BudgetSolver.Widths(dense, budget) is not { } widths)
        {
            return null;
        }

        var sites = WidthScaling.Sites(dense);
        var spec = WidthScaling.Apply(dense, widths);
        var inferred = ModelDsl.Spec.Shapes.Infer(spec);
        var weights = variant.Weights ?? Precision.Float32;
        var cost = Quantization.Apply(inferred, ModelDsl.Spec.Cost.Of(inferred), weights);
        var fitted = sites.Select((site, i) => (site.Layer, site.Width, widths[i])).ToEquatableArray();
        return new VariantRewrite(variant, spec, inferred, cost, 1, weights, null, EquatableArray<string>.Empty, fitted);
    }
}
