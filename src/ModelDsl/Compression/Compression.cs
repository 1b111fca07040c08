using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// The run-time half of the weight-transform variants: the generated <c>FromDense</c> of an int8, int4 or low-rank
/// variant knows at compile time which Linears it transforms and calls these with the dense model's weights.
/// </summary>
public static class Compression
{
    /// <summary>
    /// Quantises the dense Linear weight <paramref name="weight"/> (and <paramref name="bias"/>) into the quantised layer
    /// at <paramref name="path"/> of <paramref name="target"/>. Every check runs before anything is written.
    /// </summary>
    /// <exception cref="ArgumentException">No quantised layer at <paramref name="path"/>, or the weight or bias do not fit it.</exception>
    public static void Quantize(nn.Module target, string path, Tensor weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(path);
        var layer = target.named_modules().FirstOrDefault(m => m.name == path).module as IQuantizedLayer
            ?? throw new ArgumentException($"{target.GetType().Name} has no quantised layer at '{path}'", nameof(path));
        layer.Quantize(weight, bias);
    }

    /// <summary>The dense tensor <paramref name="name"/>, or a clear error naming it.</summary>
    public static Tensor Dense(IReadOnlyDictionary<string, Tensor> dense, string name)
    {
        ArgumentNullException.ThrowIfNull(dense);
        if (!dense.TryGetValue(name, out var tensor) || tensor is null)
        {
            throw new ArgumentException($"tensor '{name}' is not in the dense state dict", nameof(dense));
        }
        if (tensor.IsInvalid)
        {
            throw new ObjectDisposedException(name, $"dense tensor '{name}' has been disposed; nothing was written");
        }
        return tensor;
    }

    /// <summary>
    /// The best rank-<paramref name="rank"/> factors of <paramref name="weight"/> [out, in] (Eckart–Young, from a truncated
    /// SVD W = U S Vᵀ computed in float64): <c>First</c> = √S·Vᵀ [rank, in] and <c>Second</c> = U·√S [out, rank], so that
    /// Second · First is the nearest rank-<paramref name="rank"/> matrix to W in the Frobenius norm; float32.
    /// </summary>
    /// <exception cref="ArgumentException">The weight is not 2-d, holds NaN or infinity, or the rank is not in [1, min(out, in)].</exception>
    public static (Tensor First, Tensor Second) Factor(Tensor weight, long rank)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.dim() != 2)
        {
            throw new ArgumentException($"a low-rank factorisation needs a 2-d weight [out, in], got {LayerBase.FormatShape(weight.shape)}", nameof(weight));
        }
        var smaller = Math.Min(weight.shape[0], weight.shape[1]);
        if (rank < 1 || rank > smaller)
        {
            throw new ArgumentException($"rank {rank} is not in [1, {smaller}] for a weight {LayerBase.FormatShape(weight.shape)}", nameof(rank));
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var w = weight.detach().to(ScalarType.Float64);
        if (!w.isfinite().all().item<bool>())
        {
            throw new ArgumentException($"the weight {LayerBase.FormatShape(weight.shape)} holds NaN or infinity; it cannot be factored", nameof(weight));
        }
        var (u, s, vh) = linalg.svd(w, fullMatrices: false);
        var root = s.narrow(0, 0, rank).sqrt();
        var first = vh.narrow(0, 0, rank).mul(root.unsqueeze(1)).to(ScalarType.Float32);
        var second = u.narrow(1, 0, rank).mul(root.unsqueeze(0)).to(ScalarType.Float32);
        return (first.MoveToOuterDisposeScope(), second.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Writes the rank-<paramref name="rank"/> factors of the dense weight <paramref name="denseLayer"/><c>.weight</c> into
    /// <paramref name="target"/>'s <paramref name="factoredLayer"/><c>.0.weight</c> (in → rank, no bias) and
    /// <c>.1.weight</c> (rank → out), and the dense bias, where there is one, into <c>.1.bias</c>.
    /// </summary>
    public static void Factor(nn.Module target, IReadOnlyDictionary<string, Tensor> dense, string denseLayer, string factoredLayer, long rank)
    {
        ArgumentNullException.ThrowIfNull(target);
        var (first, second) = Factor(Dense(dense, denseLayer + ".weight"), rank);
        using (first)
        using (second)
        {
            var factors = new Dictionary<string, Tensor>(StringComparer.Ordinal)
            {
                [factoredLayer + ".0.weight"] = first,
                [factoredLayer + ".1.weight"] = second,
            };
            Pruning.Copy(target, factors, factoredLayer + ".0.weight");
            Pruning.Copy(target, factors, factoredLayer + ".1.weight");
        }
        if (dense.ContainsKey(denseLayer + ".bias"))
        {
            Pruning.Copy(target, new Dictionary<string, Tensor> { [factoredLayer + ".1.bias"] = Dense(dense, denseLayer + ".bias") }, factoredLayer + ".1.bias");
        }
    }

    /// <summary>
    /// The share of <paramref name="weight"/>'s spectral energy (Σ σᵢ², the squared Frobenius norm) that its best
    /// rank-<paramref name="rank"/> factors keep: σ₁² + … + σᵣ² over the sum of all σᵢ², in [0, 1]. A low-rank variant's
    /// rank is a compile-time constant (it sets the class's shapes and cost), so this is how to choose it from trained
    /// weights: call it, or <see cref="RankFor"/>, on the dense weight before declaring <c>Rank</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The weight is not 2-d, holds NaN or infinity, or the rank is not in [1, min(out, in)].</exception>
    public static double RetainedEnergy(Tensor weight, long rank)
    {
        var energies = CumulativeEnergy(weight);
        if (rank < 1 || rank > energies.Length)
        {
            throw new ArgumentException($"rank {rank} is not in [1, {energies.Length}] for a weight {LayerBase.FormatShape(weight.shape)}", nameof(rank));
        }
        return energies[rank - 1];
    }

    /// <summary>
    /// The smallest rank whose factors keep at least <paramref name="energy"/> of <paramref name="weight"/>'s spectral energy
    /// (<see cref="RetainedEnergy"/>); min(out, in) keeps all of it.
    /// </summary>
    /// <exception cref="ArgumentException">The weight is not 2-d or not finite, or the energy is not in (0, 1].</exception>
    public static long RankFor(Tensor weight, double energy)
    {
        if (!(energy > 0 && energy <= 1))
        {
            throw new ArgumentException($"a retained energy is a fraction in (0, 1], got {energy}", nameof(energy));
        }
        var energies = CumulativeEnergy(weight);
        for (var r = 0; r < energies.Length; r++)
        {
            // Rounding in the float64 sums must not make "all of it" unreachable.
            if (energies[r] >= energy - 1e-12)
            {
                return r + 1;
            }
        }
        return energies.Length;
    }

    // σ₁² + … + σᵣ² over Σ σᵢ² for r = 1 … min(out, in), from the singular values in float64.
    private static double[] CumulativeEnergy(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.dim() != 2)
        {
            throw new ArgumentException($"spectral energy needs a 2-d weight [out, in], got {LayerBase.FormatShape(weight.shape)}", nameof(weight));
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var w = weight.detach().to(ScalarType.Float64);
        if (!w.isfinite().all().item<bool>())
        {
            throw new ArgumentException($"the weight {LayerBase.FormatShape(weight.shape)} holds NaN or infinity", nameof(weight));
        }
        var squares = linalg.svdvals(w).square().data<double>().ToArray();
        var total = squares.Sum();
        var cumulative = new double[squares.Length];
        var sum = 0.0;
        for (var i = 0; i < squares.Length; i++)
        {
            sum += squares[i];
            cumulative[i] = total == 0 ? 1 : sum / total;
        }
        return cumulative;
    }
}
