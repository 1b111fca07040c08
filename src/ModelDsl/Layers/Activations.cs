namespace ModelDsl;

/// <summary>max(x, 0) (<c>nn.ReLU</c>).</summary>
public sealed class ReLU : Layer
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => input.Relu();
}

/// <summary>min(max(x, 0), 6) (<c>nn.ReLU6</c>), MobileNet's activation.</summary>
public sealed class ReLU6 : Layer
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => input.Relu6();
}

/// <summary>Gaussian error linear unit (<c>nn.GELU</c>), exact (<c>"none"</c>) or with the tanh approximation (<c>"tanh"</c>).</summary>
public sealed class GELU : Layer
{
    /// <summary>Creates the layer; <paramref name="approximate"/> is <c>"none"</c> or <c>"tanh"</c> as in PyTorch.</summary>
    public GELU(string approximate = "none")
    {
        if (approximate is not ("none" or "tanh"))
        {
            throw new ArgumentException($"GELU approximate must be \"none\" or \"tanh\", got \"{approximate}\"", nameof(approximate));
        }
        Approximate = approximate;
    }

    /// <summary><c>"none"</c> or <c>"tanh"</c>.</summary>
    public string Approximate { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => input.Gelu(Approximate == "tanh");
}

/// <summary>x · sigmoid(x) (<c>nn.SiLU</c>, a.k.a. swish).</summary>
public sealed class SiLU : Layer
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => input.Silu();
}

/// <summary>1 / (1 + e^−x) (<c>nn.Sigmoid</c>).</summary>
public sealed class Sigmoid : Layer
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}

/// <summary>Hyperbolic tangent (<c>nn.Tanh</c>).</summary>
public sealed class Tanh : Layer
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => input.Tanh();
}

/// <summary>Softmax along <see cref="Dim"/> (<c>nn.Softmax</c>).</summary>
public sealed class Softmax(int dim) : Layer
{
    /// <summary>The dimension that sums to one.</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => input.Softmax(Dim);
}

/// <summary>Log-softmax along <see cref="Dim"/> (<c>nn.LogSoftmax</c>).</summary>
public sealed class LogSoftmax(int dim) : Layer
{
    /// <summary>The dimension normalised.</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => input.LogSoftmax(Dim);
}

/// <summary>Returns its input (<c>nn.Identity</c>).</summary>
public sealed class Identity : Layer
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => input.Alias();
}
