namespace ModelDsl;

/// <summary>
/// Stochastic gradient descent with optional momentum and weight decay, the update of <c>torch.optim.SGD</c>:
/// g = grad + wd·p; b = μ·b + g (b = g on the first step); p −= lr·b.
/// </summary>
public sealed class SGD : IDisposable
{
    private readonly Tensor[] parameters;
    private readonly Tensor?[] momentumBuffers;

    /// <summary>Creates the optimizer over <paramref name="parameters"/> (usually <c>model.Parameters()</c>).</summary>
    public SGD(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0, double weightDecay = 0)
    {
        if (learningRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be positive");
        }
        this.parameters = parameters.ToArray();
        momentumBuffers = new Tensor?[this.parameters.Length];
        (LearningRate, Momentum, WeightDecay) = (learningRate, momentum, weightDecay);
    }

    /// <summary>Step size; may be changed between steps (schedules).</summary>
    public double LearningRate { get; set; }
    /// <summary>Momentum factor μ.</summary>
    public double Momentum { get; }
    /// <summary>L2 penalty added to the gradient.</summary>
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
        using var noGrad = Torch.NoGrad();
        using var scope = Torch.NewDisposeScope();
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            var g = p.Grad;
            if (g is null)
            {
                continue;
            }
            if (WeightDecay != 0)
            {
                g = g + p * WeightDecay;
            }
            if (Momentum != 0)
            {
                if (momentumBuffers[i] is { } buffer)
                {
                    buffer.Mul_(Momentum).Add_(g);
                }
                else
                {
                    momentumBuffers[i] = DisposeScope.Detach(g.Clone());
                }
                g = momentumBuffers[i]!;
            }
            p.Add_(g, -LearningRate);
        }
    }

    /// <summary>Frees the momentum buffers.</summary>
    public void Dispose()
    {
        foreach (var buffer in momentumBuffers)
        {
            buffer?.Dispose();
        }
    }
}
