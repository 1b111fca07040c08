namespace ModelDsl;

/// <summary>2-d convolution over [N, C, H, W] input (<c>nn.Conv2d</c>): weight [out, in/groups, kh, kw], bias [out].</summary>
public sealed class Conv2d : Layer
{
    /// <summary>Creates the layer with PyTorch's default initialisation. Sizes accept <c>3</c> or <c>(3, 1)</c>.</summary>
    public Conv2d(long inChannels, long outChannels, Size2 kernelSize, Size2? stride = null, Size2 padding = default, Size2? dilation = null, long groups = 1, bool bias = true)
    {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"Conv2d: in ({inChannels}) and out ({outChannels}) channels must be divisible by groups ({groups})");
        }
        (InChannels, OutChannels, KernelSize, Groups, Padding) = (inChannels, outChannels, kernelSize, groups, padding);
        Stride = stride ?? 1;
        Dilation = dilation ?? 1;
        Weight = RegisterParameter("weight", Tensor.Empty([outChannels, inChannels / groups, kernelSize.Height, kernelSize.Width]));
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
    /// <summary>Kernel height and width.</summary>
    public Size2 KernelSize { get; }
    /// <summary>Stride.</summary>
    public Size2 Stride { get; }
    /// <summary>Zero padding on each side.</summary>
    public Size2 Padding { get; }
    /// <summary>Kernel dilation.</summary>
    public Size2 Dilation { get; }
    /// <summary>Channel groups (groups = in = out is depthwise).</summary>
    public long Groups { get; }
    /// <summary>[out, in/groups, kh, kw].</summary>
    public Tensor Weight { get; }
    /// <summary>[out], or null without bias.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var shape = input.ShapeView;
        if (shape.Length is not (3 or 4) || shape[^3] != InChannels)
        {
            throw ShapeError($"[N, {Invariant(InChannels)}, H, W]", input);
        }
        try
        {
            return Functional.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);
        }
        catch (TorchException e)
        {
            throw LayerError(e, input);
        }
    }
}
