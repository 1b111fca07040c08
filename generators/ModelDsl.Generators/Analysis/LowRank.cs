using ModelDsl.Spec;

namespace ModelDsl.Analyzers;

// Low-rank factorisation of a Linear (in → out) into in → rank → out: rank × (in + out) MACs per token instead of
// in × out. A layer whose smaller side is not above the rank is left dense, so it cannot make a variant costlier.
internal static class LowRank
{
    public static (LayerShape Layer, long Factored, long Dense)? FirstCostlier(ShapeResult shapes, int rank)
    {
        (LayerShape, long, long)? first = null;
        var anyEligible = false;
        foreach (var layer in shapes.Layers.Where(l => l.Kind == LayerKind.Linear))
        {
            long inFeatures = layer.Input.Last, outFeatures = layer.Output.Last;
            var tokens = outFeatures == 0 ? 0 : layer.Output.Elements / outFeatures;
            var dense = inFeatures * outFeatures * tokens;
            var factored = rank * (inFeatures + outFeatures) * tokens;
            var eligible = rank < Math.Min(inFeatures, outFeatures);
            anyEligible |= eligible;
            if (factored >= dense && (eligible || first is null))
            {
                if (eligible)
                {
                    return (layer, factored, dense);
                }

                first = (layer, factored, dense);
            }
        }

        // No layer can be factored at this rank: the variant would only cost more, and says so on the first Linear.
        return anyEligible ? null : first;
    }
}
