namespace ModelDsl;

/// <summary>
/// Root-mean-square normalization over the trailing dimensions: x / √(mean(x²) + ε) · weight
/// (<c>nn.RMSNorm</c> of PyTorch 2.4+; libtorch 1.13 has no kernel, so it is composed from primitives).
/// </summary>
public sealed class RMSNorm : Layer
{
    /// <summary>Creates the layer: weight ones. A null <paramref name="eps"/> means the dtype's machine epsilon, as in PyTorch.</summary>
    public RMSNorm(long[] normalizedShape, double? eps = null, bool elementwiseAffine = true)
    {
        NormalizedShape = (long[])normalizedShape.Clone();
        Eps = eps;
        Weight = elementwiseAffine ? RegisterParameter("weight", Tensor.Ones(NormalizedShape)) : null;
    }

    /// <summary>Normalises over the last dimension of size <paramref name="features"/>.</summary>
    public RMSNorm(long features, double? eps = null, bool elementwiseAffine = true) : this([features], eps, elementwiseAffine) { }

    /// <summary>The trailing dimensions normalised together.</summary>
    public long[] NormalizedShape { get; }
    /// <summary>Added to the mean square; null for the input dtype's epsilon.</summary>
    public double? Eps { get; }
    /// <summary>Scale, or null.</summary>
    public Tensor? Weight { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        RequireTrailing(input, NormalizedShape);
        var eps = Eps ?? input.DType switch
        {
            DType.Float16 => 0.0009765625,        // torch.finfo(torch.float16).eps = 2^-10
            DType.BFloat16 => 0.0078125,          // 2^-7
            DType.Float64 => 2.220446049250313e-16, // 2^-52
            _ => 1.1920928955078125e-07,          // float32: 2^-23
        };
        return Functional.RmsNorm(input, NormalizedShape.Length, Weight, eps);
    }
}
