namespace ModelDsl.Spec;

/// <summary>
/// What a declared variant becomes at compile time: the one rewrite both the generator (the class, its constants and
/// FromDense) and the analyzers (budgets met by a variant) use. Structured pruning scales the widths
/// (<see cref="WidthScaling"/>), then int8/int4 change the Linears' storage (<see cref="Quantization"/>); a rank
/// factors the Linears where it pays (<see cref="LowRank"/>). Generated: pruning (a keep ratio or widths fitted to the
/// budget), int8, int4, either pruning with int8 or int4, and a rank alone; N:M sparsity and a rank combined with anything
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
public sealed record VariantRewrite(
    VariantSpec Variant,
    ModelSpec Spec,
    ShapeResult Shapes,
    CostReport Cost,
    double Keep,
    Precision Weights,
    int? Rank,
    EquatableArray<string> Factored,
    EquatableArray<(string Layer, long Dense, long Fitted)> Fitted = default)
{
    /// <summary>
    /// Why a variant that is otherwise valid does not become a class, or null: FitBudget combined with a keep ratio, a
    /// rank or N:M sparsity, or a rank combined with pruning or quantisation (MDSL3009 reports it).
    /// </summary>
    /// <param name="variant">A declared variant.</param>
    public static string? NotGenerated(VariantSpec variant) =>
        variant.FitBudget && (variant.KeepRatio is { } ratio && ratio != 1 || LayerWidths.Applies(variant) || variant.Rank is not null || variant.Sparsity is not null)
            ? "FitBudget chooses the widths itself and combines only with Weights yet (declare the other compression as a variant of its own)"
            : variant.Rank is not null && (variant.KeepRatio is { } keep && keep != 1 || LayerWidths.Applies(variant) || variant.Weights is Precision.Int8 or Precision.Int4)
            ? "a Rank combined with KeepChannels or Weights is not generated yet (declare each as a variant of its own)"
            : null;

    /// <summary>True when the variant prunes channels.</summary>
    public bool Prunes => Keep < 1 || Fitted.Count > 0;

    /// <summary>
    /// The rewrite of <paramref name="variant"/> of <paramref name="dense"/>, or null when it does not become a class: it
    /// changes nothing, has an invalid ratio or rank, empties a layer, asks for N:M sparsity or combines a rank with
    /// another compression (the analyzers report the invalid ones).
    /// </summary>
    /// <param name="dense">The dense model.</param>
    /// <param name="variant">One of its variants.</param>
    public static VariantRewrite? Of(ModelSpec dense, VariantSpec variant)
    {
        if (variant.Sparsity is not null)
        {
            return null;
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

        if (!prunes && weights == Precision.Float32)
        {
            return null;
        }

        var spec = prunes ? WidthScaling.Apply(dense, keep) : dense;
        var inferred = ModelDsl.Spec.Shapes.Infer(spec);
        var cost = Quantization.Apply(inferred, ModelDsl.Spec.Cost.Of(inferred), weights);
        return new VariantRewrite(variant, spec, inferred, cost, prunes ? keep : 1, weights, null, EquatableArray<string>.Empty);
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
