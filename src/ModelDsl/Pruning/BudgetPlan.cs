using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// The result of <see cref="BudgetFit.Plan"/>: the width each <see cref="PrunableWidth"/> keeps, the channels each group
/// keeps, the exact cost at those widths, and the <c>KeepLayers</c> text that declares a generated variant class with
/// exactly these widths (whose <c>FromDense</c> with the same criterion keeps exactly <see cref="Kept"/>).
/// </summary>
public sealed class BudgetPlan
{
    internal BudgetPlan(PrunableStructure structure, PruningCriterion criterion, int[] widths, long[][] kept, int[] steps)
    {
        Structure = structure;
        Criterion = criterion;
        Widths = widths;
        Kept = kept;
        Steps = steps;
        Cost = structure.Cost(widths);
        KeepLayers = Text(structure, widths);
    }

    /// <summary>The model's structure the plan is over.</summary>
    public PrunableStructure Structure { get; }

    /// <summary>The criterion the channels were ranked by.</summary>
    public PruningCriterion Criterion { get; }

    /// <summary>The kept width of each <see cref="PrunableStructure.Widths"/> entry.</summary>
    public IReadOnlyList<int> Widths { get; }

    /// <summary>For each <see cref="PrunableStructure.Groups"/> entry, the kept channel indices, ascending.</summary>
    public IReadOnlyList<long[]> Kept { get; }

    /// <summary>The width (an index into <see cref="PrunableStructure.Widths"/>) narrowed at each step, in order.</summary>
    public IReadOnlyList<int> Steps { get; }

    /// <summary>The exact cost per sample at <see cref="Widths"/>.</summary>
    public WidthCostTotals Cost { get; }

    /// <summary>
    /// <c>"layer = ratio, …"</c> for every narrowed layer, each ratio giving exactly the planned width (kept / dense where
    /// that has at most four decimals, else the shortest decimal that rounds to it):
    /// paste it into <c>[Variant("Name", KeepLayers = "…")]</c>. Empty when nothing is narrowed.
    /// </summary>
    public string KeepLayers { get; }

    /// <summary>The attribute that declares this plan's widths as a generated class: <c>[Variant("Name", KeepLayers = "…")]</c>.</summary>
    /// <param name="name">The variant's name.</param>
    /// <exception cref="InvalidOperationException">Nothing is narrowed: there is no variant to declare.</exception>
    public string Attribute(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (KeepLayers.Length == 0)
        {
            throw new InvalidOperationException("the plan narrows no width: the dense model meets the budget, there is no variant to declare");
        }

        return "[Variant(\"" + name + "\", KeepLayers = \"" + KeepLayers + "\")]";
    }

    /// <summary>
    /// Zeroes the removed channels of <paramref name="model"/> (a model of the planned class, e.g. a copy of the dense one)
    /// in place — every parameter a removed channel's producer, norm or consumer holds for it (running statistics are
    /// buffers and left alone) — and returns the mask that keeps them zero: for fine-tuning before declaring the variant,
    /// call its <see cref="WeightMask.MaskGradients"/> after <c>backward</c> and <see cref="WeightMask.Apply"/> after each
    /// optimizer step. The masked model computes what the generated variant of <see cref="KeepLayers"/> built by
    /// <c>FromDense</c> computes (at the dense cost), and that variant's <c>FromDense</c> of the fine-tuned copy drops
    /// the zeroed channels again.
    /// </summary>
    /// <param name="model">A model with the dense state-dict names and shapes.</param>
    /// <returns>The mask over every cut parameter, already applied; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">A parameter of the plan is missing or of another size (the message names it); nothing is written then.</exception>
    public WeightMask Apply(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter, StringComparer.Ordinal);
        var buffers = new HashSet<string>(model.named_buffers().Select(b => b.name), StringComparer.Ordinal);
        var cuts = new List<(string Name, Tensor Tensor, GroupCut Cut, long[] Removed)>();
        foreach (var cut in Structure.Cuts)
        {
            if (buffers.Contains(cut.Tensor))
            {
                continue;
            }

            var group = Structure.Groups[cut.Group];
            if (!parameters.TryGetValue(cut.Tensor, out var tensor) || tensor.Dimensions <= cut.Dim ||
                tensor.shape[cut.Dim] != (long)group.DenseSize * cut.Repeat * cut.Blocks)
            {
                throw new ArgumentException(
                    $"parameter '{cut.Tensor}' is not in {model.GetType().Name} with {group.DenseSize * cut.Repeat * cut.Blocks} entries along dim {cut.Dim}; nothing was written",
                    nameof(model));
            }

            var kept = new HashSet<long>(Kept[cut.Group]);
            var removed = Enumerable.Range(0, group.DenseSize).Select(c => (long)c).Where(c => !kept.Contains(c)).ToArray();
            cuts.Add((cut.Tensor, tensor, cut, removed));
        }

        using var scope = NewDisposeScope();
        var masks = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (name, tensor, cut, removed) in cuts)
        {
            if (!masks.TryGetValue(name, out var mask))
            {
                mask = ones_like(tensor, requires_grad: false);
                masks[name] = mask;
                order.Add(name);
            }

            if (removed.Length > 0)
            {
                mask.index_fill_(cut.Dim, Elements(removed, cut, tensor.shape[cut.Dim], tensor.device), 0);
            }
        }

        var result = new WeightMask(model, order.Select(name => (name, masks[name])).ToList());
        result.Apply();
        return result;
    }

    // Element indices along the dim of the given channels: channel c is c·Repeat … c·Repeat + Repeat − 1 in each of the
    // Blocks equal parts (the layout Pruning.Copy cuts).
    private static Tensor Elements(long[] channels, GroupCut cut, long size, Device device)
    {
        var index = tensor(channels, dtype: ScalarType.Int64, device: device);
        if (cut.Repeat > 1)
        {
            index = index.unsqueeze(1).mul(cut.Repeat).add(arange(cut.Repeat, dtype: ScalarType.Int64, device: device)).flatten();
        }

        if (cut.Blocks > 1)
        {
            var starts = arange(cut.Blocks, dtype: ScalarType.Int64, device: device).mul(size / cut.Blocks);
            index = starts.unsqueeze(1).add(index.unsqueeze(0)).flatten();
        }

        return index;
    }

    private static string Text(PrunableStructure structure, int[] widths)
    {
        var parts = new List<string>();
        for (var i = 0; i < widths.Length; i++)
        {
            var dense = structure.Widths[i].Width;
            if (widths[i] == dense)
            {
                continue;
            }

            var ratio = Ratio(dense, widths[i]);
            parts.AddRange(structure.Widths[i].Layers.Select(layer => layer + " = " + ratio));
        }

        return string.Join(", ", parts);
    }

    // kept / dense where it has at most four decimals (0.75, 0.625), else the shortest decimal r in (0, 1] whose
    // dense · r, rounded half away from zero (the generator's rounding of a KeepLayers ratio), is exactly `kept`.
    private static string Ratio(int dense, int kept)
    {
        var exact = (double)kept / dense;
        if (Math.Round(exact, 4) == exact)
        {
            return exact.ToString("0.####", CultureInfo.InvariantCulture);
        }

        for (var digits = 1; digits <= 15; digits++)
        {
            var text = Math.Round((double)kept / dense, digits, MidpointRounding.AwayFromZero).ToString("0." + new string('#', digits), CultureInfo.InvariantCulture);
            var ratio = double.Parse(text, CultureInfo.InvariantCulture);
            if (ratio > 0 && ratio <= 1 && (long)Math.Round(dense * ratio, MidpointRounding.AwayFromZero) == kept)
            {
                return text;
            }
        }

        return ((double)kept / dense).ToString("R", CultureInfo.InvariantCulture);
    }
}
