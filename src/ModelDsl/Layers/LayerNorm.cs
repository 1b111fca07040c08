namespace ModelDsl;

/// <summary>Normalises over the trailing <see cref="NormalizedShape"/> dimensions (<c>nn.LayerNorm</c>); bias can be turned off as in GPT-2 without biases.</summary>
public sealed class LayerNorm : Layer
{
    /// <summary>Creates the layer: weight ones, bias zeros.</summary>
    public LayerNorm(long[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true)
    {
        NormalizedShape = (long[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(NormalizedShape));
            Bias = bias ? RegisterParameter("bias", Tensor.Zeros(NormalizedShape)) : null;
        }
    }

    /// <summary>Normalises over the last dimension of size <paramref name="features"/>.</summary>
    public LayerNorm(long features, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true)
        : this([features], eps, elementwiseAffine, bias) { }

    /// <summary>The trailing dimensions normalised together.</summary>
    public long[] NormalizedShape { get; }
    /// <summary>Added to the variance for stability.</summary>
    public double Eps { get; }
    /// <summary>Scale, or null.</summary>
    public Tensor? Weight { get; }
    /// <summary>Shift, or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        RequireTrailing(input, NormalizedShape);
        return Functional.LayerNorm(input, NormalizedShape, Weight, Bias, Eps);
    }
}
