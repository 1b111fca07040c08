using ModelDsl.Spec;

namespace ModelDsl.Generators;

// The classes of a model's structured-pruning variants ([Variant("Slim", KeepChannels = 0.5)] → NetSlim): the model's
// spec with its widths scaled (WidthScaling, the rewrite the analyzers cost), emitted as a model of its own, with a
// FromDense built from the dependency groups of the two resolved trees. The other compressions are a later step.
internal static class VariantEmitter
{
    public static IEnumerable<GeneratedSource> Emit(ModelTarget model)
    {
        var dense = Shapes.Infer(model.Spec);
        foreach (var variant in model.Spec.Variants)
        {
            if (!WidthScaling.Prunes(model.Spec, variant, out var keep))
            {
                continue;
            }

            var spec = WidthScaling.Apply(model.Spec, keep) with { Name = model.ClassName + variant.Name };
            var pruned = Shapes.Infer(spec);
            var context = new VariantContext(model.ClassName, variant.Name, keep, ChannelPlan.Of(dense, pruned));
            var (source, _) = ModelEmitter.Emit(model with { ClassName = model.ClassName + variant.Name, Spec = spec }, context);
            if (source is not null)
            {
                yield return source;
            }
        }
    }
}
