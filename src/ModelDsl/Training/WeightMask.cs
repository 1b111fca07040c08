using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Fixed 0/1 masks over some of a module's weights, bound to the module's own parameters. Call
/// <see cref="MaskGradients"/> after <c>backward</c> and <see cref="Apply"/> after every optimizer step: the gradients of
/// pruned weights are zeroed (so the optimizer's moments stay zero there) and the weights are multiplied by the mask (so
/// weight decay or momentum cannot move them), which keeps every pruned weight exactly 0.0 through training.
/// Built by <see cref="MagnitudePruning"/> (unstructured) or <see cref="NMSparsity"/> (N:M).
/// </summary>
public sealed class WeightMask : IDisposable
{
    private readonly List<(string Name, Parameter Weight, Tensor Mask)> entries;

    internal WeightMask(nn.Module module, IReadOnlyList<(string Name, Tensor Mask)> masks)
    {
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        entries = [];
        foreach (var (name, mask) in masks)
        {
            var weight = parameters[name];
            // The mask lives as long as this object, not as long as the dispose scope it was made in (a training step's).
            entries.Add((name, weight, mask.to(weight.dtype, weight.device).detach().DetachFromDisposeScope()));
        }
    }

    /// <summary>The masked weights' state-dict names, in the module's parameter order.</summary>
    public IReadOnlyList<string> Names => entries.Select(e => e.Name).ToList();

    /// <summary>The mask of <paramref name="name"/> (1 keeps, 0 prunes), the weight's logical shape; owned by this object.</summary>
    /// <exception cref="KeyNotFoundException">No mask covers <paramref name="name"/> (the message lists those that do).</exception>
    public Tensor this[string name] =>
        entries.FirstOrDefault(e => e.Name == name).Mask
        ?? throw new KeyNotFoundException($"no mask covers '{name}'; masked weights: {string.Join(", ", Names)}");

    /// <summary>Weights the masks cover.</summary>
    public long Total => entries.Sum(e => e.Mask.numel());

    /// <summary>Weights the masks keep.</summary>
    public long Kept => entries.Sum(e => KeptOf(e.Mask));

    /// <summary>Fraction of the covered weights that are pruned.</summary>
    public double Sparsity => Total == 0 ? 0 : 1.0 - (double)Kept / Total;

    /// <summary>Fraction of <paramref name="name"/>'s weights kept.</summary>
    public double Density(string name)
    {
        var mask = this[name];
        return (double)KeptOf(mask) / mask.numel();
    }

    /// <summary>Zeroes the pruned weights in place (under no_grad): after creating the mask and after every optimizer step.</summary>
    public void Apply()
    {
        using var noGrad = no_grad();
        foreach (var (_, weight, mask) in entries)
        {
            weight.mul_(mask);
        }
    }

    /// <summary>Zeroes the gradients of pruned weights (after <c>backward</c>, before the optimizer step).</summary>
    public void MaskGradients()
    {
        using var noGrad = no_grad();
        foreach (var (_, weight, mask) in entries)
        {
            weight.grad?.mul_(mask);
        }
    }

    /// <summary>
    /// The MACs of one sample when each masked layer skips its pruned weights: a layer's MACs from the compile-time
    /// <paramref name="costTable"/> times its weight's kept fraction (every MAC of a Linear or convolution uses one
    /// weight, each weight equally often), other rows unchanged. The masks must name weights as <c>path + ".weight"</c>.
    /// </summary>
    public long EffectiveMacs(IReadOnlyList<LayerCostInfo> costTable)
    {
        ArgumentNullException.ThrowIfNull(costTable);
        var density = entries.ToDictionary(e => e.Name, e => (Kept: KeptOf(e.Mask), Total: e.Mask.numel()), StringComparer.Ordinal);
        var unmatched = density.Keys.Where(name => !costTable.Any(row => row.Path + ".weight" == name)).ToList();
        if (unmatched.Count > 0)
        {
            throw new ArgumentException($"masked weights with no row in the cost table: {string.Join(", ", unmatched)}", nameof(costTable));
        }
        long total = 0;
        foreach (var row in costTable)
        {
            // Exact integer arithmetic: MACs × kept / total, where total divides MACs (each weight is used MACs / total times).
            total = checked(total + (density.TryGetValue(row.Path + ".weight", out var d) ? row.Macs / d.Total * d.Kept : row.Macs));
        }
        return total;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var (_, _, mask) in entries)
        {
            mask.Dispose();
        }
        entries.Clear();
    }

    private static long KeptOf(Tensor mask)
    {
        using var scope = NewDisposeScope();
        return mask.count_nonzero().item<long>();
    }

    /// <summary>The weights pruning covers by default: every parameter named <c>*.weight</c> with two or more dimensions (Linear and convolution kernels, not norms or biases).</summary>
    internal static List<(string Name, Parameter Weight)> Select(nn.Module module, IEnumerable<string>? names)
    {
        ArgumentNullException.ThrowIfNull(module);
        var parameters = module.named_parameters().ToList();
        if (names is null)
        {
            return parameters.Where(p => p.name.EndsWith(".weight", StringComparison.Ordinal) && p.parameter.Dimensions >= 2).Select(p => (p.name, p.parameter)).ToList();
        }
        var byName = parameters.ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var selected = new List<(string, Parameter)>();
        foreach (var name in names)
        {
            if (!byName.TryGetValue(name, out var parameter))
            {
                throw new ArgumentException($"'{name}' is not a parameter of {module.GetType().Name}", nameof(names));
            }
            if (parameter.Dimensions < 2)
            {
                throw new ArgumentException($"'{name}' has shape {LayerBase.FormatShape(parameter.shape)}; only weights with two or more dimensions are pruned", nameof(names));
            }
            selected.Add((name, parameter));
        }
        return selected;
    }

    internal static string Invariant(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
