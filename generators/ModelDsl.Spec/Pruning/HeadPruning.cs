using System.Globalization;

namespace ModelDsl.Spec;

/// <summary>
/// Transformer pruning as a spec rewrite (<c>KeepHeads</c>, <c>KeepHidden</c>), keeping the residual stream's width as
/// Torch-Pruning's ViT recipe does: every multi-head attention (layout <c>"torch"</c>) keeps round(heads · keep) ≥ 1
/// heads of the dense head width, so its q, k, v rows and out_proj columns shrink together; every MLP's hidden width
/// — a Linear whose outputs reach another Linear through activations and dropout only — keeps round(width · keep) ≥ 1.
/// Both are arguments the shape rules read (<c>keep_heads</c>, <c>keep</c>), so a width written as an expression over a
/// block's parameters (ViT's <c>hidden = in_channels * 4</c>) is kept in proportion in every use of the block.
/// </summary>
public static class HeadPruning
{
    /// <summary>The spec with its attentions and MLP hidden widths narrowed; the spec itself when both ratios are 1.</summary>
    /// <param name="spec">The model (dense, or already width-scaled).</param>
    /// <param name="keepHeads">Fraction of heads kept, in (0, 1].</param>
    /// <param name="keepHidden">Fraction of MLP hidden neurons kept, in (0, 1].</param>
    public static ModelSpec Apply(ModelSpec spec, double keepHeads, double keepHidden)
    {
        if (keepHeads == 1 && keepHidden == 1)
        {
            return spec;
        }

        var hidden = new HashSet<LayerSpec>(ReferenceComparer.Instance);
        foreach (var list in Lists(spec))
        {
            MarkHidden(list, hidden);
        }

        LayerSpec Rewrite(LayerSpec layer)
        {
            var children = layer.Children.Count == 0 ? layer.Children : layer.Children.Select(Rewrite).ToEquatableArray();
            if (layer.Kind == LayerKind.MultiheadAttention && keepHeads != 1 && IsTorchLayout(layer))
            {
                return With(layer, "keep_heads", keepHeads) with { Children = children };
            }

            if (keepHidden != 1 && hidden.Contains(layer))
            {
                return With(layer, "keep", keepHidden) with { Children = children };
            }

            return children.Count == 0 ? layer : layer with { Children = children };
        }

        return spec with
        {
            Layers = spec.Layers.Select(Rewrite).ToEquatableArray(),
            Blocks = spec.Blocks.Select(b => b with { Layers = b.Layers.Select(Rewrite).ToEquatableArray() }).ToEquatableArray(),
        };
    }

    /// <summary>True when the model (or one of its blocks) has an attention whose heads <c>KeepHeads</c> can prune.</summary>
    /// <param name="spec">The dense model.</param>
    public static bool HasHeads(ModelSpec spec) =>
        Lists(spec).SelectMany(list => Flatten(list)).Any(l => l.Kind == LayerKind.MultiheadAttention && IsTorchLayout(l));

    /// <summary>True when the model (or one of its blocks) has an MLP hidden width <c>KeepHidden</c> can prune.</summary>
    /// <param name="spec">The dense model.</param>
    public static bool HasHidden(ModelSpec spec)
    {
        var hidden = new HashSet<LayerSpec>(ReferenceComparer.Instance);
        foreach (var list in Lists(spec))
        {
            MarkHidden(list, hidden);
        }

        return hidden.Count > 0;
    }

    /// <summary>
    /// Why head pruning at <paramref name="keepHeads"/> (or MLP pruning at <paramref name="keepHidden"/>; pass 1 for the
    /// other) removes nothing from <paramref name="spec"/>, or null when it removes something (MDSL3016).
    /// </summary>
    /// <param name="spec">The dense model.</param>
    /// <param name="keepHeads">Fraction of heads kept, in (0, 1].</param>
    /// <param name="keepHidden">Fraction of MLP hidden neurons kept, in (0, 1].</param>
    public static string? PrunesNothing(ModelSpec spec, double keepHeads, double keepHidden)
    {
        if (keepHeads < 1 && !HasHeads(spec))
        {
            return "the model has no multi-head attention of the \"torch\" layout (the \"gpt2\" layout is not head-pruned)";
        }

        if (keepHidden < 1 && !HasHidden(spec))
        {
            return "the model has no MLP hidden width (a Linear whose outputs reach another Linear through activations and dropout only)";
        }

        var dense = Shapes.Infer(spec);
        var pruned = Shapes.Infer(Apply(spec, keepHeads, keepHidden));
        return dense.Error is null && pruned.Error is null && Cost.Of(dense).Total == Cost.Of(pruned).Total
            ? (keepHeads < 1 ? "every attention keeps all its heads (round(heads × fraction) = heads)" : "every hidden width rounds back to itself")
            : null;
    }

    /// <summary>
    /// True, with the ratios, when <paramref name="variant"/> asks for head or hidden pruning with valid ratios (in (0, 1];
    /// MDSL3015 reports the others, which count as 1 here).
    /// </summary>
    /// <param name="variant">A declared variant.</param>
    /// <param name="keepHeads">Fraction of heads kept (1 when not asked).</param>
    /// <param name="keepHidden">Fraction of MLP hidden neurons kept (1 when not asked).</param>
    public static bool Asks(VariantSpec variant, out double keepHeads, out double keepHidden)
    {
        keepHeads = Valid(variant.KeepHeads);
        keepHidden = Valid(variant.KeepHidden);
        return keepHeads < 1 || keepHidden < 1;
    }

    private static double Valid(double? keep) => keep is { } k && k > 0 && k < 1 ? k : 1;

    private static bool IsTorchLayout(LayerSpec layer) => (layer.GetArg("layout") ?? "torch") == "torch";

    private static LayerSpec With(LayerSpec layer, string name, double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var args = layer.Args.Where(a => a.Name != name).Append(new Arg(name, text)).ToEquatableArray();
        return layer with { Args = args };
    }

    // The layer lists a hidden width is looked for in: the model's own and each block's.
    private static IEnumerable<EquatableArray<LayerSpec>> Lists(ModelSpec spec) => new[] { spec.Layers }.Concat(spec.Blocks.Select(b => b.Layers));

    // In each run of layers (a member's attributes and the members after it, a residual's members apart from what is
    // around them), a Linear followed by element-wise layers only and then a Linear is an MLP's hidden layer: its outputs
    // are read by that next Linear alone. A block, stage or residual between them ends the run.
    private static void MarkHidden(IEnumerable<LayerSpec> layers, HashSet<LayerSpec> hidden)
    {
        LayerSpec? open = null;
        foreach (var layer in Runs(layers))
        {
            if (layer is null)
            {
                open = null;
                continue;
            }

            if (layer.Kind == LayerKind.Linear)
            {
                if (open is not null)
                {
                    hidden.Add(open);
                }

                open = layer;
            }
            else if (!PassesThrough(layer.Kind))
            {
                open = null;
            }
        }
    }

    // The leaves of a run in order, Sequentials opened; null marks a boundary (a residual's start and end, a block).
    private static IEnumerable<LayerSpec?> Runs(IEnumerable<LayerSpec> layers)
    {
        foreach (var layer in layers)
        {
            switch (layer.Kind)
            {
                case LayerKind.Sequential:
                    foreach (var leaf in Runs(layer.Children))
                    {
                        yield return leaf;
                    }

                    break;
                case LayerKind.Residual:
                    yield return null;
                    foreach (var leaf in Runs(layer.Children))
                    {
                        yield return leaf;
                    }

                    yield return null;
                    break;
                default:
                    yield return layer.Children.Count == 0 ? layer : null;
                    break;
            }
        }
    }

    private static bool PassesThrough(LayerKind kind) => kind is LayerKind.ReLU or LayerKind.ReLU6 or LayerKind.GELU or LayerKind.SiLU or
        LayerKind.Sigmoid or LayerKind.Tanh or LayerKind.Hardswish or LayerKind.Dropout;

    private static IEnumerable<LayerSpec> Flatten(IEnumerable<LayerSpec> layers) =>
        layers.SelectMany(l => new[] { l }.Concat(Flatten(l.Children)));

    private sealed class ReferenceComparer : IEqualityComparer<LayerSpec>
    {
        public static readonly ReferenceComparer Instance = new();

        public bool Equals(LayerSpec? x, LayerSpec? y) => ReferenceEquals(x, y);

        public int GetHashCode(LayerSpec obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
