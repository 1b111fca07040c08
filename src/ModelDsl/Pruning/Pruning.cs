using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>How <see cref="Pruning.Select"/> ranks the channels of a <see cref="ChannelGroup"/>.</summary>
public enum PruningCriterion
{
    /// <summary>Sum over the group's producers of <c>|W[c, …]|</c>.</summary>
    L1,

    /// <summary>Square root of the sum over the group's producers of <c>W[c, …]²</c> (one norm over all of them).</summary>
    L2,

    /// <summary>Sum over the group's norms of <c>|gamma[c]|</c>; <see cref="L1"/> when the group has no norm.</summary>
    BatchNormScale,

    /// <summary>
    /// First-order Taylor importance (Molchanov et al., 2019): the sum over the group's producers and norms of
    /// <c>|w · ∂L/∂w|</c> over channel c's entries — how much the loss would move if the channel were removed. The
    /// gradients are the dense model's own <c>.grad</c>: run a forward and <c>loss.backward()</c> on a calibration batch
    /// (accumulate over several batches for a steadier ranking) before ranking by it.
    /// </summary>
    Taylor,
}

/// <summary>
/// One dependency group: channels that must be kept or removed together (a conv's outputs, the batch norm after it,
/// the next layer's inputs, every output tied to it by a residual add, a depthwise conv's channels).
/// </summary>
/// <param name="DenseSize">Channels in the dense model (dim 0 of every producer and norm).</param>
/// <param name="KeptSize">Channels the pruned model keeps, 1 ≤ KeptSize ≤ DenseSize.</param>
/// <param name="Producers">State-dict names of the tensors whose dim 0 indexes the group (weights or biases), ranked by L1/L2.</param>
/// <param name="Norms">State-dict names of the normalisation scales of the group (<c>"bn1.weight"</c>, the tensor, not the module), ranked by BatchNormScale.</param>
public sealed record ChannelGroup(int DenseSize, int KeptSize, IReadOnlyList<string> Producers, IReadOnlyList<string> Norms);

/// <summary>One dimension of a tensor to slice by kept channel indices in <see cref="Pruning.Copy"/>.</summary>
/// <param name="Dim">The dimension sliced.</param>
/// <param name="Indices">Kept channel indices, strictly ascending (as <see cref="Pruning.Select"/> returns them).</param>
/// <param name="Repeat">
/// Elements per channel along <paramref name="Dim"/>: channel <c>c</c> keeps <c>c*Repeat … c*Repeat+Repeat-1</c>
/// (a Linear after Flatten of <c>[C, H, W]</c>: <c>Repeat = H*W</c>; an attention head: its width).
/// </param>
/// <param name="Blocks">
/// Equal parts of <paramref name="Dim"/>, each cut the same way: attention's stacked q, k, v rows are <c>Blocks = 3</c>
/// (channel <c>c</c> keeps <c>b*size/Blocks + c*Repeat …</c> in each part <c>b</c>).
/// </param>
public readonly record struct Slice(int Dim, long[] Indices, int Repeat = 1, int Blocks = 1);

/// <summary>
/// The run-time half of structured pruning: the generated <c>FromDense</c> of a pruned variant knows its dependency
/// groups at compile time, asks <see cref="Select"/> which channels of each group to keep from the dense weights, and
/// fills its own module with <see cref="Copy"/>.
/// </summary>
public static class Pruning
{
    /// <summary>
    /// Indices (ascending, distinct, <see cref="ChannelGroup.KeptSize"/> of them) of the most important channels of
    /// <paramref name="group"/> in <paramref name="dense"/>. Scores are computed in float64 on the tensors' device;
    /// ties go to the lower index, so the choice is deterministic.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The group's sizes are out of range, it has nothing to rank by, or a producer or norm is missing, disposed, has
    /// dim 0 other than <see cref="ChannelGroup.DenseSize"/> or holds NaN or infinity (the message names the tensor).
    /// </exception>
    public static long[] Select(IReadOnlyDictionary<string, Tensor> dense, ChannelGroup group, PruningCriterion criterion)
    {
        using var scope = NewDisposeScope();
        return Top(GroupScores(dense, group, criterion), group.KeptSize);
    }

    /// <summary>
    /// Every channel's score in <paramref name="group"/> by <paramref name="criterion"/> (float64, one per channel, the
    /// scores <see cref="Select"/> keeps the highest of): what a global ranking across groups compares.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Select"/>.</exception>
    public static double[] Scores(IReadOnlyDictionary<string, Tensor> dense, ChannelGroup group, PruningCriterion criterion)
    {
        using var scope = NewDisposeScope();
        return GroupScores(dense, group, criterion).cpu().data<double>().ToArray();
    }

    // The scores as a tensor in the caller's dispose scope, after every check of Select.
    private static Tensor GroupScores(IReadOnlyDictionary<string, Tensor> dense, ChannelGroup group, PruningCriterion criterion)
    {
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(group);
        if (group.Producers is null || group.Norms is null)
        {
            throw new ArgumentException($"{Describe(group)}: Producers and Norms must not be null (use an empty list)", nameof(group));
        }
        if (group.DenseSize < 1 || group.KeptSize < 1 || group.KeptSize > group.DenseSize)
        {
            throw new ArgumentException(
                $"{Describe(group)}: sizes must satisfy 1 <= KeptSize <= DenseSize, got DenseSize {Invariant(group.DenseSize)}, KeptSize {Invariant(group.KeptSize)}",
                nameof(group));
        }
        if (!Enum.IsDefined(criterion))
        {
            throw new ArgumentException($"unknown pruning criterion {Invariant((int)criterion)}", nameof(criterion));
        }
        // Every name is checked whatever the criterion, so a wrong group fails the same way under each of them.
        var producers = group.Producers.Select(name => Lookup(dense, group, name, "producer")).ToList();
        var norms = group.Norms.Select(name => Lookup(dense, group, name, "norm")).ToList();
        var byNorms = criterion == PruningCriterion.BatchNormScale && norms.Count > 0;
        List<(string Name, Tensor Tensor)> ranked = criterion == PruningCriterion.Taylor ? [.. producers, .. norms] : byNorms ? norms : producers;
        if (ranked.Count == 0)
        {
            throw new ArgumentException($"{Describe(group)}: no producer to rank the channels by {criterion}", nameof(group));
        }
        if (criterion == PruningCriterion.Taylor)
        {
            foreach (var (name, tensor) in ranked)
            {
                if (tensor.grad is null)
                {
                    throw new ArgumentException(
                        $"{Describe(group)}: tensor '{name}' has no gradient to rank by Taylor; run a forward and loss.backward() on a calibration batch first",
                        nameof(dense));
                }
            }
        }

        using var noGrad = no_grad();
        Tensor? total = null;
        foreach (var (name, tensor) in ranked)
        {
            var values = tensor.detach().to(ScalarType.Float64).reshape(group.DenseSize, -1);
            if (criterion == PruningCriterion.Taylor)
            {
                values = values.mul(tensor.grad!.detach().to(ScalarType.Float64).reshape(group.DenseSize, -1));
            }
            if (!values.isfinite().all().item<bool>())
            {
                var what = criterion == PruningCriterion.Taylor ? "or its gradient holds" : "holds";
                throw new ArgumentException($"{Describe(group)}: tensor '{name}' {what} NaN or infinity; its channels cannot be ranked", nameof(dense));
            }
            var part = criterion == PruningCriterion.L2 ? values.square().sum(1) : values.abs().sum(1);
            total = total is null ? part : total.add(part);
        }
        return criterion == PruningCriterion.L2 ? total!.sqrt() : total!;
    }

    /// <summary>
    /// Indices (ascending, distinct, <see cref="HeadGroup.KeptHeads"/> of them) of the most important heads of
    /// <paramref name="group"/>: a head's score is the criterion over its q, k and v rows and its out_proj columns
    /// together (L1: the sum of their magnitudes; L2: one norm over all of them; Taylor: the sum of |w · ∂L/∂w| over
    /// them, from the dense model's own gradients; BatchNormScale: attention has no norm of its own, so L1). Float64,
    /// ties to the lower index, as <see cref="Select"/>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The sizes are out of range, there is nothing to rank by, or a tensor is missing, disposed, of the wrong shape,
    /// holds NaN or infinity, or (Taylor) has no gradient; the message names the tensor.
    /// </exception>
    public static long[] SelectHeads(IReadOnlyDictionary<string, Tensor> dense, HeadGroup group, PruningCriterion criterion)
    {
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(group);
        var what = $"heads of '{group.Rows?.FirstOrDefault() ?? group.Columns?.FirstOrDefault() ?? "attention"}'";
        if (group.Rows is null || group.Columns is null)
        {
            throw new ArgumentException($"{what}: Rows and Columns must not be null (use an empty list)", nameof(group));
        }
        if (group.DenseHeads < 1 || group.KeptHeads < 1 || group.KeptHeads > group.DenseHeads || group.HeadDim < 1)
        {
            throw new ArgumentException(
                $"{what}: sizes must satisfy 1 <= KeptHeads <= DenseHeads and HeadDim >= 1, got DenseHeads {Invariant(group.DenseHeads)}, KeptHeads {Invariant(group.KeptHeads)}, HeadDim {Invariant(group.HeadDim)}",
                nameof(group));
        }
        if (!Enum.IsDefined(criterion))
        {
            throw new ArgumentException($"unknown pruning criterion {Invariant((int)criterion)}", nameof(criterion));
        }
        long heads = group.DenseHeads, width = (long)group.DenseHeads * group.HeadDim;
        var tensors = new List<(string Name, Tensor Tensor, bool Row)>();
        foreach (var (names, row) in new[] { (group.Rows, true), (group.Columns, false) })
        {
            foreach (var name in names)
            {
                if (name is null || !dense.TryGetValue(name, out var tensor) || tensor is null)
                {
                    throw new ArgumentException($"{what}: tensor '{name}' is not in the dense state dict", nameof(dense));
                }
                if (tensor.IsInvalid)
                {
                    throw new ArgumentException($"{what}: tensor '{name}' has been disposed", nameof(dense));
                }
                var fits = row ? tensor.Dimensions > 0 && tensor.shape[0] == 3 * width : tensor.Dimensions == 2 && tensor.shape[1] == width;
                if (!fits)
                {
                    var expected = row ? $"dim 0 of 3 x {Invariant(heads)} heads x {Invariant(group.HeadDim)}" : $"[E, {Invariant(width)}] ({Invariant(heads)} heads x {Invariant(group.HeadDim)})";
                    throw new ArgumentException($"{what}: tensor '{name}' has shape {LayerBase.FormatShape(tensor.shape)}, expected {expected}", nameof(dense));
                }
                if (criterion == PruningCriterion.Taylor && tensor.grad is null)
                {
                    throw new ArgumentException(
                        $"{what}: tensor '{name}' has no gradient to rank by Taylor; run a forward and loss.backward() on a calibration batch first",
                        nameof(dense));
                }
                tensors.Add((name, tensor, row));
            }
        }
        if (tensors.Count == 0)
        {
            throw new ArgumentException($"{what}: no tensor to rank the heads by", nameof(group));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Each tensor's entries regrouped as [heads, everything of that head].
        Tensor PerHead(Tensor t, bool row) => row
            ? t.reshape(3, heads, group.HeadDim, -1).transpose(0, 1).reshape(heads, -1)
            : t.reshape(-1, heads, group.HeadDim).transpose(0, 1).reshape(heads, -1);
        Tensor? total = null;
        foreach (var (name, tensor, row) in tensors)
        {
            var values = PerHead(tensor.detach().to(ScalarType.Float64), row);
            if (criterion == PruningCriterion.Taylor)
            {
                values = values.mul(PerHead(tensor.grad!.detach().to(ScalarType.Float64), row));
            }
            if (!values.isfinite().all().item<bool>())
            {
                throw new ArgumentException($"{what}: tensor '{name}' holds NaN or infinity; its heads cannot be ranked", nameof(dense));
            }
            var part = criterion == PruningCriterion.L2 ? values.square().sum(1) : values.abs().sum(1);
            total = total is null ? part : total.add(part);
        }
        return Top(criterion == PruningCriterion.L2 ? total!.sqrt() : total!, group.KeptHeads);
    }

    // The indices of the `kept` highest scores, ascending. A stable descending sort keeps equal scores in index order:
    // ties go to the lower index.
    private static long[] Top(Tensor scores, int kept)
    {
        var (_, order) = scores.cpu().sort(dim: 0, descending: true, stable: true);
        var (indices, _) = order.narrow(0, 0, kept).sort(dim: 0);
        return indices.data<long>().ToArray();
    }

    /// <summary>
    /// Copies <c>dense[name]</c>, sliced along each listed dim by the kept indices, into <paramref name="target"/>'s
    /// state-dict entry <paramref name="name"/> (a parameter or a buffer, written in place under no_grad, so the module
    /// keeps its own tensors, their dtype, device and memory format). A tensor with no slices is copied whole (0-d
    /// <c>num_batches_tracked</c> included). Every check runs before anything is written.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="name"/> is missing from either side; a slice's dim is out of range or repeated, its
    /// <see cref="Slice.Repeat"/> is not positive or does not divide the dim, or its indices are empty, out of range or
    /// not strictly ascending; or the sliced shape is not the target's (the message names the tensor and both shapes).
    /// Nothing is written then.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The dense tensor or the target's has been disposed; nothing is written.</exception>
    public static void Copy(nn.Module target, IReadOnlyDictionary<string, Tensor> dense, string name, params Slice[] slices)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(name);
        slices ??= [];
        if (!dense.TryGetValue(name, out var source) || source is null)
        {
            throw new ArgumentException($"tensor '{name}' is not in the dense state dict", nameof(dense));
        }
        if (!target.state_dict().TryGetValue(name, out var destination))
        {
            throw new ArgumentException($"tensor '{name}' is not in the target's state dict ({target.GetType().Name})", nameof(name));
        }
        if (source.IsInvalid)
        {
            throw new ObjectDisposedException(name, $"dense tensor '{name}' has been disposed; nothing was written");
        }
        if (destination.IsInvalid)
        {
            throw new ObjectDisposedException(name, $"target tensor '{name}' has been disposed; nothing was written");
        }

        var sliced = SlicedShape(name, source.shape, slices);
        if (!sliced.SequenceEqual(destination.shape))
        {
            throw new ArgumentException(
                $"tensor '{name}': dense {LayerBase.FormatShape(source.shape)} sliced to {LayerBase.FormatShape(sliced)}, but the target's is {LayerBase.FormatShape(destination.shape)}; nothing was written",
                nameof(slices));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        destination.copy_(Sliced(source, slices));
    }

    private static (string Name, Tensor Tensor) Lookup(IReadOnlyDictionary<string, Tensor> dense, ChannelGroup group, string name, string role)
    {
        if (name is null)
        {
            throw new ArgumentException($"{Describe(group)}: a {role} name is null", nameof(group));
        }
        if (!dense.TryGetValue(name, out var tensor) || tensor is null)
        {
            var hint = role == "norm" ? " (norms name the scale tensor, e.g. 'bn1.weight')" : "";
            throw new ArgumentException($"{Describe(group)}: {role} tensor '{name}' is not in the dense state dict{hint}", nameof(dense));
        }
        if (tensor.IsInvalid)
        {
            throw new ArgumentException($"{Describe(group)}: {role} tensor '{name}' has been disposed", nameof(dense));
        }
        if (tensor.Dimensions == 0 || tensor.shape[0] != group.DenseSize)
        {
            throw new ArgumentException(
                $"{Describe(group)}: {role} tensor '{name}' has shape {LayerBase.FormatShape(tensor.shape)}, but its dim 0 must be the group's {Invariant(group.DenseSize)} channels",
                nameof(dense));
        }
        return (name, tensor);
    }

    private static string Describe(ChannelGroup group) =>
        group.Producers is { Count: > 0 } producers ? $"channel group of '{producers[0]}'"
            : group.Norms is { Count: > 0 } norms ? $"channel group of '{norms[0]}'"
            : "channel group";

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
    /// <summary>
    /// Copies every tensor of <paramref name="target"/>'s state dict under <paramref name="path"/> (<c>path.*</c>) whole from
    /// <paramref name="dense"/>: a <c>[Custom]</c> layer's own parameters and buffers, which the generator cannot see.
    /// </summary>
    /// <exception cref="ArgumentException">One of them is missing from <paramref name="dense"/> or has another shape; nothing is written then.</exception>
    public static void CopyUnder(nn.Module target, IReadOnlyDictionary<string, Tensor> dense, string path)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(path);
        var names = target.state_dict().Where(t => t.Key.StartsWith(path + ".", StringComparison.Ordinal)).ToList();
        foreach (var (name, tensor) in names)
        {
            if (!dense.TryGetValue(name, out var source) || source is null || !source.shape.SequenceEqual(tensor.shape))
            {
                throw new ArgumentException($"tensor '{name}' of custom layer '{path}' is not in the dense state dict with shape {LayerBase.FormatShape(tensor.shape)}; nothing was written", nameof(dense));
            }
        }
        foreach (var (name, _) in names)
        {
            Copy(target, dense, name);
        }
    }

    /// <summary>
    /// <c>dense[name]</c> sliced along each listed dim by the kept indices, as a new tensor (what <see cref="Copy"/> writes;
    /// a pruned-then-quantised variant quantises it instead). The checks are <see cref="Copy"/>'s, before any native call.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is missing, or a slice is invalid (see <see cref="Copy"/>).</exception>
    /// <exception cref="ObjectDisposedException">The dense tensor has been disposed.</exception>
    public static Tensor Cut(IReadOnlyDictionary<string, Tensor> dense, string name, params Slice[] slices)
    {
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(name);
        slices ??= [];
        if (!dense.TryGetValue(name, out var source) || source is null)
        {
            throw new ArgumentException($"tensor '{name}' is not in the dense state dict", nameof(dense));
        }
        if (source.IsInvalid)
        {
            throw new ObjectDisposedException(name, $"dense tensor '{name}' has been disposed; nothing was written");
        }
        _ = SlicedShape(name, source.shape, slices);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Sliced(source, slices).MoveToOuterDisposeScope();
    }

    // The sliced shape, worked out before any native call: index_select with a bad index or dim throws, but a
    // shape error is better reported here with both shapes, and nothing may be written on any failure.
    private static long[] SlicedShape(string name, long[] denseShape, Slice[] slices)
    {
        var sliced = (long[])denseShape.Clone();
        var seen = new HashSet<int>();
        foreach (var slice in slices)
        {
            if (slice.Dim < 0 || slice.Dim >= denseShape.Length)
            {
                throw new ArgumentException($"tensor '{name}' {LayerBase.FormatShape(denseShape)} has no dim {Invariant(slice.Dim)} to slice", nameof(slices));
            }
            if (!seen.Add(slice.Dim))
            {
                throw new ArgumentException($"tensor '{name}': dim {Invariant(slice.Dim)} is sliced twice", nameof(slices));
            }
            var size = denseShape[slice.Dim];
            if (slice.Repeat < 1 || slice.Blocks < 1 || size % ((long)slice.Repeat * slice.Blocks) != 0)
            {
                throw new ArgumentException(
                    $"tensor '{name}' {LayerBase.FormatShape(denseShape)}: Repeat {Invariant(slice.Repeat)} and Blocks {Invariant(slice.Blocks)} must be positive and their product divide dim {Invariant(slice.Dim)} ({Invariant(size)})",
                    nameof(slices));
            }
            var channels = size / slice.Repeat / slice.Blocks;
            if (slice.Indices is null || slice.Indices.Length == 0)
            {
                throw new ArgumentException($"tensor '{name}': the slice of dim {Invariant(slice.Dim)} keeps no index", nameof(slices));
            }
            for (var i = 0; i < slice.Indices.Length; i++)
            {
                var index = slice.Indices[i];
                if (index < 0 || index >= channels || (i > 0 && index <= slice.Indices[i - 1]))
                {
                    throw new ArgumentException(
                        $"tensor '{name}': indices of dim {Invariant(slice.Dim)} must be strictly ascending in [0, {Invariant(channels)}), got {Invariant(index)} at position {Invariant(i)}",
                        nameof(slices));
                }
            }
            sliced[slice.Dim] = slice.Indices.LongLength * slice.Repeat * slice.Blocks;
        }
        return sliced;
    }

    private static Tensor Sliced(Tensor source, Slice[] slices)
    {
        var value = source.detach();
        foreach (var slice in slices)
        {
            var index = tensor(slice.Indices, dtype: ScalarType.Int64, device: value.device);
            if (slice.Repeat > 1)
            {
                // c -> c*R + [0, R): a [K, R] grid of element indices, flattened in channel order.
                var offsets = arange(slice.Repeat, dtype: ScalarType.Int64, device: value.device);
                index = index.unsqueeze(1).mul(slice.Repeat).add(offsets).flatten();
            }
            if (slice.Blocks > 1)
            {
                // The same cut in each of the equal parts, part after part (q's rows, then k's, then v's).
                var part = value.shape[slice.Dim] / slice.Blocks;
                var starts = arange(slice.Blocks, dtype: ScalarType.Int64, device: value.device).mul(part);
                index = starts.unsqueeze(1).add(index.unsqueeze(0)).flatten();
            }
            value = value.index_select(slice.Dim, index);
        }
        return value;
    }
}
