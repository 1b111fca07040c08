using ModelDsl;
using static TorchSharp.torch;

namespace FashionMnist;

/// <summary>Which weight mask holds at each fine-tuning step (null: none). The trainer calls <see cref="At"/> before every step.</summary>
internal abstract class MaskPolicy : IDisposable
{
    /// <summary>The mask for <paramref name="step"/> of <paramref name="totalSteps"/>.</summary>
    public abstract WeightMask? At(long step, long totalSteps);

    /// <summary>The mask in force after the last step.</summary>
    public abstract WeightMask? Final { get; }

    public abstract void Dispose();
}

/// <summary>One mask for the whole run (N:M).</summary>
internal sealed class FixedMask(WeightMask mask) : MaskPolicy
{
    public override WeightMask? At(long step, long totalSteps) => mask;

    public override WeightMask? Final => mask;

    public override void Dispose() => mask.Dispose();
}

/// <summary>
/// Gradual magnitude pruning: the sparsity follows the cubic schedule from 0 to <paramref name="finalSparsity"/> over the
/// first <paramref name="rampFraction"/> of the steps, the global magnitude mask (each layer keeping at least
/// <paramref name="minKeptFraction"/>) recomputed every <paramref name="every"/> steps; the rest of the steps recover at
/// the final sparsity.
/// </summary>
internal sealed class GradualMask(nn.Module module, double finalSparsity, double minKeptFraction, int every, double rampFraction) : MaskPolicy
{
    private WeightMask? current;
    private GradualPruningSchedule? schedule;

    public override WeightMask? At(long step, long totalSteps)
    {
        schedule ??= new GradualPruningSchedule(0, finalSparsity, steps: Math.Max(1, (int)(totalSteps * rampFraction)));
        var rampEnd = schedule.StartStep + schedule.Steps;
        if (step % every == 0 && step <= rampEnd || step == rampEnd)
        {
            current?.Dispose();
            current = MagnitudePruning.Global(module, schedule.SparsityAt(step), minKeptFraction);
            current.Apply();
        }
        return current;
    }

    public override WeightMask? Final => current;

    public override void Dispose() => current?.Dispose();
}
