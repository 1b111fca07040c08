using ModelDsl.Spec;

namespace ModelDsl.Generators;

/// <summary>What makes a model's emission a variant class: the dense class it is built from, and how.</summary>
/// <param name="DenseClass">The dense model's class name (<c>ResNet18</c>).</param>
/// <param name="Name">The variant's name (<c>Slim</c>); the class is <c>ResNet18Slim</c>.</param>
/// <param name="Rewrite">The compile-time rewrite: the variant's spec, shapes, exact cost, keep ratio, precision, rank.</param>
/// <param name="Plan">For a pruning variant: the dependency groups and tensor cuts <c>FromDense</c> applies.</param>
/// <param name="DenseCost">The dense model's totals, which the variant's Summary() shows next to its own.</param>
internal sealed record VariantContext(string DenseClass, string Name, VariantRewrite Rewrite, ChannelPlan? Plan, CostTotals DenseCost)
{
    /// <summary>The keep ratio the widths were scaled by (1 when the variant does not prune).</summary>
    public double KeepChannels => Rewrite.Keep;
}
