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
}
