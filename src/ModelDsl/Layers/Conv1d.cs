namespace ModelDsl;

/// <summary>1-d convolution over [N, C, L] input (<c>nn.Conv1d</c>): weight [out, in/groups, k], bias [out].</summary>
public sealed class Conv1d : Layer
{
    /// <summary>Creates the layer with PyTorch's default initialisation.</summary>
    public Conv1d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool bias = true)
    {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"Conv1d: in ({inChannels}) and out ({outChannels}) channels must be divisible by groups ({groups})");
        }
        (InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, Groups) = (inChannels, outChannels, kernelSize, stride, padding, dilation, groups);
        Weight = RegisterParameter("weight", Tensor.Empty([outChannels, inChannels / groups, kernelSize]));
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
    /// <summary>Kernel length.</summary>
    public long KernelSize { get; }
    /// <summary>Stride.</summary>
    public long Stride { get; }
    /// <summary>Zero padding on both sides.</summary>
    public long Padding { get; }
    /// <summary>Kernel dilation.</summary>
    public long Dilation { get; }
    /// <summary>Channel groups (groups = in = out is depthwise).</summary>
    public long Groups { get; }
    /// <summary>[out, in/groups, k].</summary>
    public Tensor Weight { get; }
    /// <summary>[out], or null without bias.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var shape = input.ShapeView;
        if (shape.Length is not (2 or 3) || shape[^2] != InChannels)
        {
            throw ShapeError($"[N, {Invariant(InChannels)}, L]", input);
        }
        try
        {
            return Functional.Conv1d(input, Weight, Bias, Stride, Padding, Dilation, Groups);
        }
        catch (TorchException e)
        {
            throw LayerError(e, input);
        }
    }
}
