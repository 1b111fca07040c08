using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Unstructured magnitude pruning: the weights of smallest |w| are masked. Ties go to the lower flat index (a stable sort),
/// so the mask is deterministic; already-zero weights are pruned first, so a mask recomputed at a higher sparsity
/// contains the previous one (the gradual schedule relies on this).
/// </summary>
public static class MagnitudePruning
{
    /// <summary>Masks round(<paramref name="sparsity"/> × size) of each selected weight separately.</summary>
    /// <param name="module">The module whose parameters are masked.</param>
    /// <param name="sparsity">Fraction pruned per weight, in [0, 1).</param>
    /// <param name="names">State-dict names of the weights to prune; default every Linear/convolution weight (2-d or more, named *.weight).</param>
    /// <exception cref="ArgumentException">The sparsity is outside [0, 1) or a name is not a prunable parameter.</exception>
    public static WeightMask LayerWise(nn.Module module, double sparsity, IEnumerable<string>? names = null)
    {
        CheckSparsity(sparsity);
        var weights = WeightMask.Select(module, names);
        var masks = weights.Select(w => (w.Name, MaskSmallest(w.Weight, (long)Math.Round(sparsity * w.Weight.numel())))).ToList();
        return Build(module, masks);
    }

    /// <summary>
    /// Masks round(<paramref name="sparsity"/> × total) of all selected weights together, smallest |w| first across layers,
    /// while every layer keeps at least ceil(<paramref name="minKeptFraction"/> × its size) weights (a layer that would
    /// fall below keeps exactly that many, and the rest is taken from the other layers).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The sparsity is outside [0, 1), the kept fraction outside [0, 1], a name is not a prunable parameter, or the
    /// minimum kept per layer leaves too few weights to reach the sparsity.
    /// </exception>
    public static WeightMask Global(nn.Module module, double sparsity, double minKeptFraction = 0.02, IEnumerable<string>? names = null)
    {
        CheckSparsity(sparsity);
        if (!(minKeptFraction >= 0 && minKeptFraction <= 1))
        {
            throw new ArgumentException($"minimum kept fraction {WeightMask.Invariant(minKeptFraction)} must be in [0, 1]", nameof(minKeptFraction));
        }
        var weights = WeightMask.Select(module, names);
        var sizes = weights.Select(w => w.Weight.numel()).ToArray();
        var caps = sizes.Select(size => size - (long)Math.Ceiling(minKeptFraction * size)).ToArray();
        var target = (long)Math.Round(sparsity * sizes.Sum());
        if (target > caps.Sum())
        {
            throw new ArgumentException(
                $"sparsity {WeightMask.Invariant(sparsity)} needs {target} pruned weights, but keeping {WeightMask.Invariant(minKeptFraction)} of every layer allows at most {caps.Sum()}",
                nameof(minKeptFraction));
        }

        // Each layer's |w| in ascending order; the global k smallest restricted to a layer are a prefix of its order.
        var sorted = weights.Select(w => SortedMagnitudes(w.Weight)).ToArray();
        var pruned = new long[weights.Count];
        var active = Enumerable.Range(0, weights.Count).ToHashSet();
        var remaining = target;
        while (true)
        {
            var counts = SmallestPerLayer(sorted, active, remaining);
            var over = active.Where(layer => counts[layer] > caps[layer]).ToList();
            if (over.Count == 0)
            {
                foreach (var layer in active)
                {
                    pruned[layer] = counts[layer];
                }
                break;
            }
            // A layer over its cap keeps its minimum; its share goes back to the pool of the others.
            foreach (var layer in over)
            {
                pruned[layer] = caps[layer];
                remaining -= caps[layer];
                active.Remove(layer);
            }
        }
        var masks = weights.Select((w, i) => (w.Name, MaskSmallest(w.Weight, pruned[i]))).ToList();
        return Build(module, masks);
    }

    private static WeightMask Build(nn.Module module, List<(string Name, Tensor Mask)> masks)
    {
        try
        {
            return new WeightMask(module, masks);
        }
        finally
        {
            foreach (var (_, mask) in masks)
            {
                mask.Dispose();
            }
        }
    }

    private static void CheckSparsity(double sparsity)
    {
        if (!(sparsity >= 0 && sparsity < 1))
        {
            throw new ArgumentException($"sparsity {WeightMask.Invariant(sparsity)} must be in [0, 1)", nameof(sparsity));
        }
    }

    /// <summary>A mask of the weight's shape with its <paramref name="count"/> smallest |w| (stable order) set to 0.</summary>
    private static Tensor MaskSmallest(Tensor weight, long count)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var flat = weight.detach().abs().reshape(-1).cpu();
        var (_, order) = flat.sort(dim: 0, descending: false, stable: true);
        var mask = ones(flat.numel(), dtype: ScalarType.Float32);
        if (count > 0)
        {
            mask.index_fill_(0, order.narrow(0, 0, count), 0.0);
        }
        return mask.reshape(weight.shape).MoveToOuterDisposeScope();
    }

    private static float[] SortedMagnitudes(Tensor weight)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (values, _) = weight.detach().abs().reshape(-1).to(ScalarType.Float32).cpu().sort(dim: 0, descending: false, stable: true);
        return values.data<float>().ToArray();
    }

    /// <summary>How many of the <paramref name="k"/> smallest magnitudes over the active layers fall in each layer (ties: lower layer first).</summary>
    private static long[] SmallestPerLayer(float[][] sorted, HashSet<int> active, long k)
    {
        var counts = new long[sorted.Length];
        var layers = active.Order().ToArray();
        var positions = new int[sorted.Length];
        // A k-way merge of the ascending arrays; k and the layer count are small enough for a linear scan per step.
        for (long taken = 0; taken < k; taken++)
        {
            var best = -1;
            foreach (var layer in layers)
            {
                if (positions[layer] < sorted[layer].Length && (best < 0 || sorted[layer][positions[layer]] < sorted[best][positions[best]]))
                {
                    best = layer;
                }
            }
            positions[best]++;
            counts[best]++;
        }
        return counts;
    }
}
