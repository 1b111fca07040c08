using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Root-mean-square normalisation over the trailing dimensions, <c>nn.RMSNorm</c> of PyTorch 2.4+:
/// x · rsqrt(mean(x²) + ε) · weight. TorchSharp 0.107 has no RMSNorm module, so it is composed from primitives
/// (the same expression PyTorch's reference implementation evaluates). State dict: <c>weight</c>.
/// </summary>
public sealed class RMSNorm : LayerBase
{
    /// <summary>Creates the layer with weight ones (PyTorch's default). A null <paramref name="eps"/> means the input dtype's machine epsilon, as in PyTorch.</summary>
    public RMSNorm(long[] normalizedShape, double? eps = null, bool elementwiseAffine = true) : base(nameof(RMSNorm))
    {
        NormalizedShape = (long[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            RegisterParameter("weight", ones(NormalizedShape));
        }
    }

    /// <summary>Normalises over the last dimension of size <paramref name="features"/>.</summary>
    public RMSNorm(long features, double? eps = null, bool elementwiseAffine = true) : this([features], eps, elementwiseAffine) { }

    /// <summary>The trailing dimensions normalised together.</summary>
    public long[] NormalizedShape { get; }

    /// <summary>Added to the mean square; null for the input dtype's epsilon.</summary>
    public double? Eps { get; }

    /// <summary>The scale [normalizedShape], or null without an affine part.</summary>
    public Parameter? Weight => OptionalParameterNamed("weight");

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var shape = input.shape;
        var n = NormalizedShape.Length;
        if (shape.Length < n || !shape.AsSpan(shape.Length - n).SequenceEqual(NormalizedShape))
        {
            throw ShapeError($"[*, {string.Join(", ", NormalizedShape)}]", input);
        }
        var eps = Eps ?? input.dtype switch
        {
            ScalarType.Float16 => 0.0009765625,           // torch.finfo(torch.float16).eps = 2^-10
            ScalarType.BFloat16 => 0.0078125,             // 2^-7
            ScalarType.Float64 => 2.220446049250313e-16,  // 2^-52
            _ => 1.1920928955078125e-07,                  // float32: 2^-23
        };
        using var scope = NewDisposeScope();
        var dims = new long[n];
        for (var i = 0; i < n; i++)
        {
            dims[i] = shape.Length - n + i;
        }
        // An explicit Scalar, disposed here: the implicit double → Scalar conversion leaves one native Scalar per call to the finalizer.
        using global::TorchSharp.Scalar epsilon = eps;
        var normalised = input * input.square().mean(dims, keepdim: true).add_(epsilon).rsqrt_();
        var weight = Weight;
        return (weight is null ? normalised : normalised * weight).MoveToOuterDisposeScope();
    }
}
