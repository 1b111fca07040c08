using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// N:M sparsity masks: in every group of M consecutive weights along a layer's reduction dimension (a weight
/// <c>[out, in, kh, kw]</c> read as <c>[out, in·kh·kw]</c>, a Linear's <c>[out, in]</c> as it is) the N of largest |w|
/// are kept (ties to the lower index), the rest masked. 2:4 is the pattern sparse tensor cores run.
/// </summary>
public static class NMSparsity
{
    /// <summary>A mask keeping <paramref name="n"/> of every <paramref name="m"/> weights of each selected weight.</summary>
    /// <param name="module">The module whose parameters are masked.</param>
    /// <param name="n">Weights kept per group, 1 ≤ n &lt; m.</param>
    /// <param name="m">Group length along the reduction dimension; must divide it.</param>
    /// <param name="names">
    /// State-dict names of the weights to mask. Default: the layers an N:M variant sparsifies (as the compile-time
    /// cost does): every Linear/convolution weight but the first one (the stem reads the input; its reduction is small
    /// and odd) and depthwise ones (one input channel per group).
    /// </param>
    /// <exception cref="ArgumentException">n and m are not 1 ≤ n &lt; m, a name is not a prunable parameter, or m does not divide a weight's reduction dimension (the message names it).</exception>
    public static WeightMask Mask(nn.Module module, int n, int m, IEnumerable<string>? names = null)
    {
        if (n < 1 || n >= m)
        {
            throw new ArgumentException($"an N:M pattern needs 1 <= N < M, got {n}:{m}", nameof(n));
        }
        var weights = WeightMask.Select(module, names);
        if (names is null)
        {
            weights = weights.Skip(1).Where(w => !(w.Weight.Dimensions > 2 && w.Weight.shape[1] == 1)).ToList();
        }
        foreach (var (name, weight) in weights)
        {
            var reduction = weight.numel() / weight.shape[0];
            if (reduction % m != 0)
            {
                throw new ArgumentException($"{n}:{m} sparsity: M = {m} does not divide the reduction dimension {reduction} of '{name}' {LayerBase.FormatShape(weight.shape)}", nameof(m));
            }
        }
        var masks = weights.Select(w => (w.Name, GroupMask(w.Weight, n, m))).ToList();
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

    /// <summary>True when every group of <paramref name="m"/> consecutive weights along the reduction dimension of <paramref name="weight"/> has at most <paramref name="n"/> non-zeros.</summary>
    public static bool Satisfies(Tensor weight, int n, int m)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var reduction = weight.numel() / weight.shape[0];
        if (m < 1 || reduction % m != 0)
        {
            return false;
        }
        using var scope = NewDisposeScope();
        var nonZeros = weight.detach().reshape(weight.shape[0], reduction / m, m).ne(0).sum(2);
        return nonZeros.le(n).all().item<bool>();
    }

    // Also the selection NMWeights.Compress stores (the N:M variant layers), so a mask and a compressed layer keep the same weights.
    internal static Tensor GroupMask(Tensor weight, int n, int m)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = weight.shape[0];
        var groups = weight.detach().abs().reshape(rows, -1, m).cpu();
        var (_, order) = groups.sort(dim: 2, descending: true, stable: true);
        var keep = order.narrow(2, 0, n);
        var mask = zeros_like(groups, dtype: ScalarType.Float32).scatter_(2, keep, ones_like(keep, dtype: ScalarType.Float32));
        return mask.reshape(weight.shape).MoveToOuterDisposeScope();
    }
}
