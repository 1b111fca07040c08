using System.Globalization;

namespace ModelDsl.Spec;

/// <summary>
/// Low-rank factorisation of a Linear (in → out) into in → rank → out: rank × (in + out) MACs per token instead of
/// in × out. A Linear is factored only where that is cheaper (<see cref="Pays"/>); the others stay dense, so a rank
/// variant never costs more than its dense model, and MDSL3005 says where a rank does not pay.
/// </summary>
public static class LowRank
{
    /// <summary>True when factoring the Linear <paramref name="layer"/> at <paramref name="rank"/> costs fewer MACs and parameters.</summary>
    /// <param name="layer">An inferred layer.</param>
    /// <param name="rank">The rank.</param>
    public static bool Pays(LayerShape layer, long rank)
    {
        long inFeatures = layer.Input.Last, outFeatures = layer.Output.Last;
        return layer.Kind == LayerKind.Linear && rank >= 1 && rank < Math.Min(inFeatures, outFeatures) &&
            checked(rank * (inFeatures + outFeatures)) < checked(inFeatures * outFeatures);
    }

    /// <summary>
    /// The first Linear whose smaller side is above <paramref name="rank"/> but where factoring would cost at least as
    /// much as the dense layer (or, when no Linear's smaller side is above the rank, the first Linear at all), with both
    /// MAC counts; null when the rank pays wherever it applies.
    /// </summary>
    /// <param name="shapes">The inferred dense model.</param>
    /// <param name="rank">The rank.</param>
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

    /// <summary>
    /// The paths of the two layers a factored Linear at <paramref name="dense"/> becomes: the nn.Sequential that replaces it
    /// numbers them, in → rank first (<c>name.0</c>), rank → out second (<c>name.1</c>, with the bias).
    /// </summary>
    /// <param name="dense">The dense Linear's path.</param>
    public static (string First, string Second) FactorPaths(string dense) => (dense + ".0", dense + ".1");

    /// <summary>
    /// The spec rewrite of a rank variant: every Linear where the rank <see cref="Pays"/> — in every use, for a Linear
    /// of a block used more than once — becomes an <c>nn.Sequential</c> under the same name of a Linear to
    /// <paramref name="rank"/> features without bias (<c>name.0</c>) and a Linear to the dense width with the dense
    /// Linear's bias (<c>name.1</c>). Returns the spec and the dense paths of the factored Linears, in forward order;
    /// the spec itself and none when nothing pays or the tree cannot be matched to the spec.
    /// </summary>
    /// <param name="spec">The model.</param>
    /// <param name="shapes">Its inferred shapes (<see cref="Shapes.Infer"/> of <paramref name="spec"/>).</param>
    /// <param name="rank">The rank.</param>
    public static (ModelSpec Spec, EquatableArray<string> Factored) Apply(ModelSpec spec, ShapeResult shapes, int rank)
    {
        if (shapes.Error is not null || rank < 1)
        {
            return (spec, EquatableArray<string>.Empty);
        }

        var walk = new Walk(spec, rank);
        if (!walk.Sequence(spec.Layers, shapes.Roots) || !walk.Decisions.Values.Any(d => d))
        {
            return (spec, EquatableArray<string>.Empty);
        }

        var layers = walk.Rewrite(spec.Layers);
        var blocks = spec.Blocks.Select(b => b with { Layers = walk.Rewrite(b.Layers) }).ToEquatableArray();
        var factored = walk.Uses.Where(u => walk.Decisions[u.Spec]).Select(u => u.Path).ToEquatableArray();
        return (spec with { Layers = layers, Blocks = blocks }, factored);
    }

    // Matches the spec's nodes to the resolved tree (the same structure: a residual, sequential, block use or named
    // stage is one node, an unnamed stage one node per block) and decides each Linear spec node by reference.
    private sealed class Walk
    {
        private readonly Dictionary<string, BlockSpec> blocks = new(StringComparer.Ordinal);
        private readonly long rank;

        public Walk(ModelSpec spec, long rank)
        {
            this.rank = rank;
            foreach (var block in spec.Blocks)
            {
                if (!blocks.ContainsKey(block.Name))
                {
                    blocks.Add(block.Name, block);
                }
            }
        }

        public Dictionary<LayerSpec, bool> Decisions { get; } = new(ByReference.Instance);

        public List<(LayerSpec Spec, string Path)> Uses { get; } = new();

        public bool Sequence(IReadOnlyList<LayerSpec> specs, IReadOnlyList<ResolvedNode> nodes)
        {
            var j = 0;
            foreach (var layer in specs)
            {
                if (layer.Kind == LayerKind.Stage && layer.Name is null)
                {
                    // An unnamed stage's blocks join their parent, each carrying the stage's attribute location.
                    if (!blocks.TryGetValue(layer.GetArg("block") ?? string.Empty, out var stageBlock))
                    {
                        return false;
                    }

                    var count = int.TryParse(layer.GetArg("blocks"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
                    var taken = 0;
                    while (j < nodes.Count && nodes[j].Kind == LayerKind.Block && nodes[j].Block == stageBlock.Name && (count < 0 ? nodes[j].Location == layer.Location : taken < count))
                    {
                        if (!Sequence(stageBlock.Layers, nodes[j].Children))
                        {
                            return false;
                        }

                        j++;
                        taken++;
                    }

                    continue;
                }

                if (j >= nodes.Count || !Node(layer, nodes[j++]))
                {
                    return false;
                }
            }

            return j == nodes.Count;
        }

        public EquatableArray<LayerSpec> Rewrite(EquatableArray<LayerSpec> layers) => layers.Select(Rewrite).ToEquatableArray();

        private bool Node(LayerSpec layer, ResolvedNode node)
        {
            switch (layer.Kind)
            {
                case LayerKind.Residual or LayerKind.Sequential:
                    return node.Kind == layer.Kind && Sequence(layer.Children, node.Children);
                case LayerKind.Block:
                    return node.Kind == LayerKind.Block && node.Block is { } name && blocks.TryGetValue(name, out var block) && Sequence(block.Layers, node.Children);
                case LayerKind.Stage:
                    return node.Kind == LayerKind.Stage && blocks.TryGetValue(layer.GetArg("block") ?? string.Empty, out var stageBlock) &&
                        node.Children.All(child => child.Kind == LayerKind.Block && Sequence(stageBlock.Layers, child.Children));
                default:
                    if (node.Layer is not { } row || row.Kind != layer.Kind)
                    {
                        return false;
                    }

                    if (layer.Kind == LayerKind.Linear)
                    {
                        var pays = Pays(row, rank);
                        Decisions[layer] = Decisions.TryGetValue(layer, out var before) ? before && pays : pays;
                        Uses.Add((layer, row.Path));
                    }

                    return true;
            }
        }

        private LayerSpec Rewrite(LayerSpec layer)
        {
            if (layer.Kind == LayerKind.Linear && Decisions.TryGetValue(layer, out var factor) && factor)
            {
                var down = new LayerSpec(null, LayerKind.Linear, layer.Args.Where(a => a.Name == "in").Append(Arg.Of("out", rank)).Append(Arg.Of("bias", false)).ToEquatableArray(), EquatableArray<LayerSpec>.Empty);
                var up = new LayerSpec(null, LayerKind.Linear, layer.Args.Where(a => a.Name != "in").ToEquatableArray(), EquatableArray<LayerSpec>.Empty);
                return new LayerSpec(layer.Name, LayerKind.Sequential, EquatableArray<Arg>.Empty, new[] { down, up }.ToEquatableArray()) { Location = layer.Location };
            }

            return layer.Children.Count == 0 ? layer : layer with { Children = Rewrite(layer.Children) };
        }
    }

    // Spec nodes are value-equatable records: two identical Linears in different places must still be told apart.
    private sealed class ByReference : IEqualityComparer<LayerSpec>
    {
        public static readonly ByReference Instance = new();

        public bool Equals(LayerSpec? x, LayerSpec? y) => ReferenceEquals(x, y);

        public int GetHashCode(LayerSpec obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
