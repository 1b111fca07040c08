namespace ModelDsl;

/// <summary>
/// Gradual magnitude pruning's cubic sparsity ramp (Zhu &amp; Gupta 2017):
/// s_t = s_f + (s_i − s_f)(1 − t/n)³ for t in [0, n] steps after <see cref="StartStep"/>, s_i before, s_f after.
/// It prunes fast while the network has many redundant weights and slowly near the target.
/// </summary>
public sealed record GradualPruningSchedule
{
    /// <param name="initialSparsity">s_i, in [0, 1).</param>
    /// <param name="finalSparsity">s_f, in [s_i, 1).</param>
    /// <param name="steps">n, the length of the ramp in steps (≥ 1).</param>
    /// <param name="startStep">The step the ramp starts at (≥ 0).</param>
    /// <exception cref="ArgumentException">An argument is out of range (the message says which).</exception>
    public GradualPruningSchedule(double initialSparsity, double finalSparsity, int steps, int startStep = 0)
    {
        if (!(initialSparsity >= 0 && initialSparsity < 1))
        {
            throw new ArgumentException($"initial sparsity {WeightMask.Invariant(initialSparsity)} must be in [0, 1)", nameof(initialSparsity));
        }
        if (!(finalSparsity >= initialSparsity && finalSparsity < 1))
        {
            throw new ArgumentException($"final sparsity {WeightMask.Invariant(finalSparsity)} must be in [initial sparsity {WeightMask.Invariant(initialSparsity)}, 1)", nameof(finalSparsity));
        }
        if (steps < 1)
        {
            throw new ArgumentException($"the ramp needs at least one step, got {steps}", nameof(steps));
        }
        if (startStep < 0)
        {
            throw new ArgumentException($"start step {startStep} must not be negative", nameof(startStep));
        }
        InitialSparsity = initialSparsity;
        FinalSparsity = finalSparsity;
        Steps = steps;
        StartStep = startStep;
    }

    /// <summary>s_i.</summary>
    public double InitialSparsity { get; }

    /// <summary>s_f.</summary>
    public double FinalSparsity { get; }

    /// <summary>n.</summary>
    public int Steps { get; }

    /// <summary>The first step of the ramp.</summary>
    public int StartStep { get; }

    /// <summary>The sparsity at <paramref name="step"/>: s_i before the ramp, s_f from StartStep + Steps on.</summary>
    public double SparsityAt(long step)
    {
        var t = Math.Clamp(step - StartStep, 0, Steps);
        var remaining = 1.0 - (double)t / Steps;
        return FinalSparsity + (InitialSparsity - FinalSparsity) * remaining * remaining * remaining;
    }
}
