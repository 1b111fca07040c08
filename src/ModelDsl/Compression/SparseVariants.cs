using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// The run-time half of the sparse variants (<c>Sparsity = "N:M"</c>, <c>Prune = p</c>): the generated <c>FromDense</c>
/// masks the dense weights with <see cref="MagnitudePruning"/> and writes them with <see cref="Prune"/>; an N:M layer
/// selects its own weights (<see cref="NMLinear"/>, <see cref="NMConv2d"/>, through <see cref="Compression.Quantize"/>).
/// </summary>
public static class SparseVariants
{
    /// <summary>
    /// Writes <c>dense[path.weight] × mask[path.weight]</c> and the dense bias into the layer at <paramref name="path"/>
    /// of <paramref name="target"/>: a <see cref="SparseLinear"/> through its <c>Quantize</c> (which builds its CSR copy), any
    /// other layer (a masked convolution) into its <c>weight</c> and <c>bias</c>.
    /// </summary>
    /// <exception cref="ArgumentException">No layer at <paramref name="path"/>, the weight is missing from <paramref name="dense"/> or <paramref name="mask"/>, or the shapes differ.</exception>
    public static void Prune(nn.Module target, string path, IReadOnlyDictionary<string, Tensor> dense, WeightMask mask)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(mask);
        var layer = target.named_modules().FirstOrDefault(m => m.name == path).module
            ?? throw new ArgumentException($"{target.GetType().Name} has no layer at '{path}'", nameof(path));
        var weight = Compression.Dense(dense, path + ".weight");
        var keep = mask[path + ".weight"];
        if (!weight.shape.SequenceEqual(keep.shape))
        {
            throw new ArgumentException($"'{path}.weight' is {LayerBase.FormatShape(weight.shape)} but its mask is {LayerBase.FormatShape(keep.shape)}", nameof(mask));
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var masked = weight.detach().mul(keep.to(weight.dtype, weight.device));
        var bias = dense.ContainsKey(path + ".bias") ? Compression.Dense(dense, path + ".bias") : null;
        if (layer is IQuantizedLayer sparse)
        {
            sparse.Quantize(masked, bias);
            return;
        }
        var written = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [path + ".weight"] = masked };
        Pruning.Copy(target, written, path + ".weight");
        if (bias is not null)
        {
            Pruning.Copy(target, dense, path + ".bias");
        }
    }

    /// <summary>
    /// The multiply-accumulates of one sample counting the weights that are non-zero in <paramref name="model"/> now:
    /// <paramref name="otherMacs"/> (the layers that are not sparsified) plus, for each sparsified layer, its non-zero
    /// weights times the MACs each weight takes part in per sample. The generated <c>EffectiveMacs()</c> calls it with
    /// both from the compile-time cost.
    /// </summary>
    /// <exception cref="ArgumentException">A listed layer is missing or holds no weight.</exception>
    public static long EffectiveMacs(nn.Module model, long otherMacs, params (string Path, long MacsPerWeight)[] layers)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(layers);
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
        var total = otherMacs;
        foreach (var (path, perWeight) in layers)
        {
            if (!modules.TryGetValue(path, out var layer))
            {
                throw new ArgumentException($"{model.GetType().Name} has no layer at '{path}'", nameof(layers));
            }
            total = checked(total + (NonZeros(layer, path) * perWeight));
        }
        return total;
    }

    /// <summary>The non-zero weights of a Linear or convolution layer: its stored values for an N:M layer, else its weight.</summary>
    public static long NonZeros(nn.Module layer, string path = "")
    {
        ArgumentNullException.ThrowIfNull(layer);
        var stored = layer.named_buffers(recurse: false).Concat(layer.named_parameters(recurse: false).Select(p => (p.name, (Tensor)p.parameter)))
            .Where(t => t.name is "weight_values" or "weight").Select(t => t.Item2).FirstOrDefault()
            ?? throw new ArgumentException($"layer '{path}' ({layer.GetType().Name}) holds no weight", nameof(layer));
        using var scope = NewDisposeScope();
        return stored.count_nonzero().item<long>();
    }
}
