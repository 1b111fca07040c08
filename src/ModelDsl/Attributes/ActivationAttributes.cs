namespace ModelDsl;

/// <summary><c>nn.ReLU</c>.</summary>
public sealed class ReLUAttribute : LayerAttribute
{
}

/// <summary><c>nn.ReLU6</c>.</summary>
public sealed class ReLU6Attribute : LayerAttribute
{
}

/// <summary><c>nn.GELU</c> (exact, erf form).</summary>
public sealed class GELUAttribute : LayerAttribute
{
}

/// <summary><c>nn.SiLU</c> (swish).</summary>
public sealed class SiLUAttribute : LayerAttribute
{
}

/// <summary><c>nn.Sigmoid</c>.</summary>
public sealed class SigmoidAttribute : LayerAttribute
{
}

/// <summary><c>nn.Hardswish</c>: x · ReLU6(x + 3) / 6 (MobileNetV3).</summary>
public sealed class HardswishAttribute : LayerAttribute
{
}

/// <summary><c>nn.Hardsigmoid</c>: ReLU6(x + 3) / 6.</summary>
public sealed class HardsigmoidAttribute : LayerAttribute
{
}

/// <summary><c>nn.Tanh</c>.</summary>
public sealed class TanhAttribute : LayerAttribute
{
}

/// <summary><c>nn.Softmax</c> over one per-sample dimension.</summary>
public sealed class SoftmaxAttribute : LayerAttribute
{
    /// <summary>The per-sample dimension (batch excluded); negative counts from the end. -1 by default.</summary>
    public int Dim { get; set; } = -1;
}

/// <summary><c>nn.LogSoftmax</c> over one per-sample dimension.</summary>
public sealed class LogSoftmaxAttribute : LayerAttribute
{
    /// <summary>The per-sample dimension (batch excluded); negative counts from the end. -1 by default.</summary>
    public int Dim { get; set; } = -1;
}

/// <summary><c>nn.Dropout</c>: active while training, the identity in evaluation.</summary>
/// <param name="p">Probability of zeroing an element.</param>
public sealed class DropoutAttribute(double p = 0.5) : LayerAttribute
{
    /// <summary>Probability of zeroing an element.</summary>
    public double P { get; } = p;
}
