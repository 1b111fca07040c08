namespace ModelDsl;

/// <summary>
/// What Conv1d and Conv2d share: channels, groups, the weight [out, in/groups, *kernel] and bias [out],
/// and PyTorch's default initialisation (Kaiming-uniform with a = √5, then the bias from U(±1/√fan_in)).
/// </summary>
public abstract class Convolution : Layer
{
    private protected Convolution(string kind, long inChannels, long outChannels, long[] kernel, long groups, bool bias)
    {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"{kind}: in ({inChannels}) and out ({outChannels}) channels must be divisible by groups ({groups})");
        }
        (InChannels, OutChannels, Groups) = (inChannels, outChannels, groups);
        Weight = RegisterParameter("weight", Tensor.Empty([outChannels, inChannels / groups, .. kernel]));
        Bias = bias ? RegisterParameter("bias", Tensor.Empty([outChannels])) : null;
        Init.KaimingUniform(Weight, Math.Sqrt(5));
        if (Bias is not null)
        {
            Init.BiasUniform(Bias, Init.Fans(Weight).FanIn);
        }
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }
    /// <summary>Output channels.</summary>
    public long OutChannels { get; }
    /// <summary>Channel groups (groups = in = out is depthwise).</summary>
    public long Groups { get; }
    /// <summary>[out, in/groups, *kernel].</summary>
    public Tensor Weight { get; }
    /// <summary>[out], or null without bias.</summary>
    public Tensor? Bias { get; }

    /// <summary>Checks the channel dimension (rank <paramref name="spatial"/> + 1 unbatched or + 2 batched), runs the kernel, names this layer in any error.</summary>
    private protected Tensor Run(Tensor input, int spatial, string expected, Func<Tensor, Tensor> convolve)
    {
        var shape = input.ShapeView;
        if (shape.Length != spatial + 1 && shape.Length != spatial + 2 || shape[^(spatial + 1)] != InChannels)
        {
            throw ShapeError(expected, input);
        }
        try
        {
            return convolve(input);
        }
        catch (TorchException e)
        {
            throw LayerError(e, input);
        }
    }
}
