namespace ModelDsl;

/// <summary>
/// One width a load-time budget fit may narrow (generated from the model's declaration): the layers whose width it is —
/// the names a <c>KeepLayers</c> variant gives a ratio, several where an identity add ties them — and the dependency
/// groups it sets, group <c>Groups[i]</c> having <c>Multiples[i]</c> channels per channel of the width (a bottleneck's
/// <c>planes * 4</c> outputs: 4).
/// </summary>
/// <param name="Layers">State-dict names of the layers (or stages) whose declared width this is.</param>
/// <param name="Width">The dense width.</param>
/// <param name="Groups">Indices into <see cref="PrunableStructure.Groups"/>.</param>
/// <param name="Multiples">Each group's channels per channel of the width.</param>
public sealed record PrunableWidth(IReadOnlyList<string> Layers, int Width, IReadOnlyList<int> Groups, IReadOnlyList<int> Multiples);

/// <summary>One dimension of one tensor cut by a group's channels (the compile-time <c>FromDense</c>'s slices, by group).</summary>
/// <param name="Tensor">The state-dict name.</param>
/// <param name="Dim">The dimension.</param>
/// <param name="Group">Index into <see cref="PrunableStructure.Groups"/>.</param>
/// <param name="Repeat">Elements per channel along the dimension (H·W for a Linear after Flatten).</param>
/// <param name="Blocks">Equal parts of the dimension each cut the same way.</param>
public sealed record GroupCut(string Tensor, int Dim, int Group, int Repeat = 1, int Blocks = 1);

/// <summary>
/// One cost figure as an exact function of the channels removed from each width, d:
/// <c>Constant + Σ Linear[i]·d[i] + Σ_{i ≤ j} Quadratic[k]·d[i]·d[j]</c> (the upper triangle row by row). The generator
/// fits it to the compile-time cost of the model at narrowed widths and checks it, so it is the cost convention's figure
/// (docs/cost-convention.md) of any widths: a removed channel changes its producer's, its norm's and its consumers' cost.
/// </summary>
/// <param name="Constant">The dense model's figure.</param>
/// <param name="Linear">One coefficient per width.</param>
/// <param name="Quadratic">n·(n + 1)/2 coefficients.</param>
public sealed record WidthCost(long Constant, IReadOnlyList<long> Linear, IReadOnlyList<long> Quadratic)
{
    /// <summary>The figure with <paramref name="removed"/> channels taken from each width.</summary>
    /// <param name="removed">Channels removed, one entry per width.</param>
    /// <exception cref="ArgumentException">Not one entry per width.</exception>
    public long Of(IReadOnlyList<int> removed)
    {
        ArgumentNullException.ThrowIfNull(removed);
        if (removed.Count != Linear.Count)
        {
            throw new ArgumentException($"expected {Linear.Count} removed counts, one per width, got {removed.Count}", nameof(removed));
        }

        return ModelDsl.Spec.WidthPolynomial.Evaluate(Constant, Linear, Quadratic, i => removed[i]);
    }
}

/// <summary>
/// A residual whose input and output differ only in their channels, so that the model has a projection there (or no
/// if-same add): widths at which the two channel counts meet would be another network. Each side's channels are its
/// dense count less <c>Loss[i]</c> per channel removed from width i.
/// </summary>
/// <param name="Path">The residual's state-dict scope.</param>
/// <param name="Input">Its dense input channels.</param>
/// <param name="InputLoss">Input channels lost per channel removed from each width.</param>
/// <param name="Output">Its dense output channels.</param>
/// <param name="OutputLoss">Output channels lost per channel removed from each width.</param>
public sealed record WidthGuard(string Path, long Input, IReadOnlyList<long> InputLoss, long Output, IReadOnlyList<long> OutputLoss)
{
    /// <summary>True when the channels stay different with <paramref name="removed"/> channels taken from each width.</summary>
    /// <param name="removed">Channels removed, one entry per width.</param>
    public bool Holds(IReadOnlyList<int> removed)
    {
        ArgumentNullException.ThrowIfNull(removed);
        return ModelDsl.Spec.WidthPolynomial.StayApart(Input, InputLoss, Output, OutputLoss, removed.Count, i => removed[i]);
    }
}

/// <summary>Exact per-sample cost of a model at some widths, under docs/cost-convention.md.</summary>
/// <param name="Macs">Multiply-accumulates.</param>
/// <param name="Flops">FLOPs: 2 × MACs plus element-wise operations.</param>
/// <param name="Parameters">Trainable parameters.</param>
public readonly record struct WidthCostTotals(long Macs, long Flops, long Parameters);

/// <summary>
/// What <see cref="BudgetFit.Plan"/> needs of a model, generated at compile time (<c>Model.PrunableStructure</c>): the
/// widths it may narrow, the dependency groups (<see cref="ChannelGroup"/>, their sizes dense), how each tensor is cut by
/// them, and the exact MACs, FLOPs and parameters as functions of the widths.
/// </summary>
/// <param name="Widths">The narrowable widths, in declaration order.</param>
/// <param name="Groups">The dependency groups, each set by one width.</param>
/// <param name="Cuts">Every tensor dimension a group cuts.</param>
/// <param name="Guards">Channel counts that must stay different for the model to stay the same network.</param>
/// <param name="Macs">MACs per sample.</param>
/// <param name="Flops">FLOPs per sample.</param>
/// <param name="Parameters">Trainable parameters.</param>
public sealed record PrunableStructure(
    IReadOnlyList<PrunableWidth> Widths,
    IReadOnlyList<ChannelGroup> Groups,
    IReadOnlyList<GroupCut> Cuts,
    IReadOnlyList<WidthGuard> Guards,
    WidthCost Macs,
    WidthCost Flops,
    WidthCost Parameters)
{
    /// <summary>
    /// True when <paramref name="widths"/> keep the model the dense network with narrower layers (every
    /// <see cref="Guards"/> entry holds): the widths a generated variant can have, and where <see cref="Cost"/> is exact.
    /// </summary>
    /// <param name="widths">One width per <see cref="Widths"/> entry, each in [1, dense].</param>
    /// <exception cref="ArgumentException">As <see cref="Cost"/>.</exception>
    public bool Allows(IReadOnlyList<int> widths)
    {
        var removed = Removed(widths);
        return Guards.All(g => g.Holds(removed));
    }

    /// <summary>The exact cost with each width at <paramref name="widths"/>' entry (widths <see cref="Allows"/> accepts).</summary>
    /// <param name="widths">One width per <see cref="Widths"/> entry, each in [1, dense].</param>
    /// <exception cref="ArgumentException">Not one width per entry, or a width outside [1, dense] (the message names it).</exception>
    public WidthCostTotals Cost(IReadOnlyList<int> widths)
    {
        var removed = Removed(widths);
        return new WidthCostTotals(Macs.Of(removed), Flops.Of(removed), Parameters.Of(removed));
    }

    private int[] Removed(IReadOnlyList<int> widths)
    {
        ArgumentNullException.ThrowIfNull(widths);
        if (widths.Count != Widths.Count)
        {
            throw new ArgumentException($"expected {Widths.Count} widths ({string.Join(", ", Widths.Select(w => string.Join("+", w.Layers)))}), got {widths.Count}", nameof(widths));
        }

        var removed = new int[widths.Count];
        for (var i = 0; i < widths.Count; i++)
        {
            if (widths[i] < 1 || widths[i] > Widths[i].Width)
            {
                throw new ArgumentException($"width of {string.Join("+", Widths[i].Layers)} is {widths[i]}, outside [1, {Widths[i].Width}]", nameof(widths));
            }

            removed[i] = Widths[i].Width - widths[i];
        }

        return removed;
    }
}
