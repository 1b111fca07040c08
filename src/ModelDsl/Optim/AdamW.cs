namespace ModelDsl;

/// <summary>
/// Adam with decoupled weight decay, the update of <c>torch.optim.AdamW</c> (with <c>weight_decay=0</c> it is
/// plain Adam): p −= lr·wd·p; m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²; p −= lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly Tensor[] parameters;
    private readonly Tensor?[] firstMoments;
    private readonly Tensor?[] secondMoments;
    private int step;

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with PyTorch's defaults.</summary>
    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2)
    {
        if (learningRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be positive");
        }
        if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), $"betas must be in [0, 1), got ({beta1}, {beta2})");
        }
        this.parameters = parameters.ToArray();
        firstMoments = new Tensor?[this.parameters.Length];
        secondMoments = new Tensor?[this.parameters.Length];
        (LearningRate, Beta1, Beta2, Eps, WeightDecay) = (learningRate, beta1, beta2, eps, weightDecay);
    }

    /// <summary>Step size; may be changed between steps (schedules).</summary>
    public double LearningRate { get; set; }
    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }
    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }
    /// <summary>Added to the denominator for stability.</summary>
    public double Eps { get; }
    /// <summary>Decoupled weight decay factor.</summary>
    public double WeightDecay { get; }

    /// <summary>Drops the gradients of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var p in parameters)
        {
            p.ZeroGrad();
        }
    }

    /// <summary>Applies one update from the current gradients; parameters without a gradient are skipped.</summary>
    public void Step()
    {
        step++;
        var correction1 = 1 - Math.Pow(Beta1, step);
        var correction2 = 1 - Math.Pow(Beta2, step);
        using var noGrad = Torch.NoGrad();
        using var scope = Torch.NewDisposeScope();
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (p.Grad is not { } g)
            {
                continue;
            }
            p.Mul_(1 - LearningRate * WeightDecay);
            var m = firstMoments[i] ??= DisposeScope.Detach(g.ZerosLike());
            var v = secondMoments[i] ??= DisposeScope.Detach(g.ZerosLike());
            m.Mul_(Beta1).Add_(g, 1 - Beta1);
            v.Mul_(Beta2).Add_(g * g, 1 - Beta2);
            var denominator = (v / correction2).Sqrt() + Eps;
            p.Add_(m / denominator, -LearningRate / correction1);
        }
    }

    /// <summary>Frees the moment estimates.</summary>
    public void Dispose()
    {
        foreach (var t in firstMoments.Concat(secondMoments))
        {
            t?.Dispose();
        }
    }
}
