using ModelDsl.Spec;

namespace ModelDsl.Generators;

// The classes of a model's variants ([Variant("Slim", KeepChannels = 0.5)] → NetSlim, Weights = Precision.Int8,
// Rank = r): the spec as VariantRewrite rewrites it (the rewrite the analyzers cost), emitted as a model of its own with
// a FromDense built from the dense model's weights; N:M and Prune variants keep the shapes and swap the sparsified layers
// for the runtime's sparse ones.
internal static class VariantEmitter
{
    public static IEnumerable<GeneratedSource> Emit(ModelTarget model)
    {
        var dense = Shapes.Infer(model.Spec);
        if (dense.Error is not null)
        {
            yield break;
        }

        var denseCost = Cost.Of(dense);
        foreach (var variant in model.Spec.Variants)
        {
            if (VariantRewrite.Of(model.Spec, variant) is not { Cost.Succeeded: true } rewrite || !BlocksHold(model, rewrite))
            {
                continue;
            }

            var plan = rewrite.Prunes ? ChannelPlan.Of(dense, rewrite.Shapes) : null;
            var context = new VariantContext(model.ClassName, variant.Name, rewrite, plan, denseCost.Total);
            var members = model.Members.Zip(rewrite.Spec.Layers, (member, layer) => Retyped(member, layer, rewrite)).ToEquatableArray();
            var target = model with { ClassName = model.ClassName + variant.Name, Spec = rewrite.Spec with { Name = model.ClassName + variant.Name }, Members = members };
            var (source, _) = ModelEmitter.Emit(target, context);
            if (source is not null)
            {
                yield return source;
            }
        }
    }

    // A variant class declares its own properties: a member whose module the variant replaces (a Linear that becomes
    // an Int8Linear or Int4Linear, a Conv2d that becomes an Int8Conv2d, or an nn.Sequential of two factors) is typed as a
    // layer, whatever the dense type was.
    private static MemberTarget Retyped(MemberTarget member, LayerSpec layer, VariantRewrite rewrite) =>
        Replaced(member.Layer, layer, rewrite) ? member with { TypeName = ModuleTypes.Module, Layer = layer } : member with { Layer = layer };

    // A sparse variant's layers are judged by kind (a member spec has no path): every Linear, and for N:M every Conv2d, may
    // become a sparse layer.
    private static bool Replaced(LayerSpec dense, LayerSpec variant, VariantRewrite rewrite) =>
        Quantization.Quantizes(dense.Kind, rewrite.Weights) || (dense.Kind == LayerKind.Linear && variant.Kind != LayerKind.Linear) ||
        (rewrite.Sparse is { } sparse && (dense.Kind == LayerKind.Linear || (sparse.Kind == SparseKind.NM && dense.Kind == LayerKind.Conv2d)));

    // A block class is the user's: its constructor takes each member as the type its property declares. A variant whose
    // block Linears or convolutions become another module needs those properties typed as a layer (Layer), or it is not generated.
    private static bool BlocksHold(ModelTarget model, VariantRewrite rewrite)
    {
        foreach (var block in model.Blocks)
        {
            var rewritten = rewrite.Spec.Blocks.FirstOrDefault(b => b.Name == block.Spec.Name);
            for (var i = 0; i < block.Members.Count; i++)
            {
                var member = block.Members[i];
                var after = rewritten is not null && i < rewritten.Layers.Count ? Member(rewritten, member) ?? member.Layer : member.Layer;
                if (Replaced(member.Layer, after, rewrite) && member.TypeName != ModuleTypes.Module && member.TypeName != "global::TorchSharp.torch.nn.Module")
                {
                    return false;
                }
            }
        }

        return true;
    }

    // The rewritten spec node of a block member, found by its state-dict name (residuals looked through).
    private static LayerSpec? Member(BlockSpec block, MemberTarget member) =>
        block.Layers.SelectMany(l => l.Kind == LayerKind.Residual ? l.Children.AsEnumerable() : new[] { l }).FirstOrDefault(l => l.Name == member.Layer.Name);
}
