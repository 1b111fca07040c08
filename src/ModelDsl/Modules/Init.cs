namespace ModelDsl;

/// <summary>
/// Parameter initialisers matching <c>torch.nn.init</c>. They draw from libtorch's default generator in the
/// same order as PyTorch's layer constructors, so the same seed gives the same initial weights.
/// </summary>
public static class Init
{
    /// <summary>Fan-in and fan-out of a weight as PyTorch computes them (dim 1 and dim 0 times the receptive field).</summary>
    public static (long FanIn, long FanOut) Fans(Tensor weight)
    {
        var shape = weight.ShapeView;
        if (shape.Length < 2)
        {
            throw new ArgumentException($"fan in and fan out need at least 2 dimensions, the tensor has shape {Tensor.FormatShape(shape)}");
        }
        var receptive = shape.Skip(2).Aggregate(1L, (a, b) => a * b);
        return (shape[1] * receptive, shape[0] * receptive);
    }

    /// <summary>U(−b, b) with b = gain·√(3/fan_in), gain = √(2/(1+a²)) — PyTorch's default for Linear and Conv weights with a = √5.</summary>
    public static void KaimingUniform(Tensor weight, double a = 0)
    {
        var (fanIn, _) = Fans(weight);
        var gain = Math.Sqrt(2.0 / (1 + a * a));
        var bound = gain * Math.Sqrt(3.0 / fanIn);
        using var noGrad = Torch.NoGrad();
        weight.Uniform_(-bound, bound);
    }

    /// <summary>U(−b, b) with b = gain·√(6/(fan_in + fan_out)).</summary>
    public static void XavierUniform(Tensor weight, double gain = 1)
    {
        var (fanIn, fanOut) = Fans(weight);
        var bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        using var noGrad = Torch.NoGrad();
        weight.Uniform_(-bound, bound);
    }

    /// <summary>U(−1/√fan_in, 1/√fan_in), PyTorch's default for Linear and Conv biases.</summary>
    public static void BiasUniform(Tensor bias, long fanIn)
    {
        var bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        using var noGrad = Torch.NoGrad();
        bias.Uniform_(-bound, bound);
    }

    /// <summary>N(mean, std²) in place.</summary>
    public static void Normal(Tensor tensor, double mean = 0, double std = 1)
    {
        using var noGrad = Torch.NoGrad();
        tensor.Normal_(mean, std);
    }

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public static void Constant(Tensor tensor, double value)
    {
        using var noGrad = Torch.NoGrad();
        tensor.Fill_(value);
    }
}
