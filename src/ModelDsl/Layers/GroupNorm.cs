namespace ModelDsl;

/// <summary>Normalises groups of channels of [N, C, *] input (<c>nn.GroupNorm</c>).</summary>
public sealed class GroupNorm : Layer
{
    /// <summary>Creates the layer: weight ones, bias zeros.</summary>
    public GroupNorm(long numGroups, long numChannels, double eps = 1e-5, bool affine = true)
    {
        if (numGroups <= 0 || numChannels % numGroups != 0)
        {
            throw new ArgumentException($"GroupNorm: {numChannels} channels cannot be split into {numGroups} groups");
        }
        (NumGroups, NumChannels, Eps) = (numGroups, numChannels, eps);
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([numChannels]));
            Bias = RegisterParameter("bias", Tensor.Zeros([numChannels]));
        }
    }

    /// <summary>Number of channel groups.</summary>
    public long NumGroups { get; }
    /// <summary>Channels.</summary>
    public long NumChannels { get; }
    /// <summary>Added to the variance for stability.</summary>
    public double Eps { get; }
    /// <summary>Per-channel scale, or null.</summary>
    public Tensor? Weight { get; }
    /// <summary>Per-channel shift, or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var shape = input.ShapeView;
        if (shape.Length < 2 || shape[1] != NumChannels)
        {
            throw ShapeError($"[N, {Invariant(NumChannels)}, *]", input);
        }
        return Functional.GroupNorm(input, NumGroups, Weight, Bias, Eps);
    }
}
