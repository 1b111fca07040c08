namespace ModelDsl;

/// <summary>2-d convolution over [N, C, H, W] input (<c>nn.Conv2d</c>): weight [out, in/groups, kh, kw], bias [out]. Sizes accept <c>3</c> or <c>(3, 1)</c>.</summary>
public sealed class Conv2d(long inChannels, long outChannels, Size2 kernelSize, Size2? stride = null, Size2 padding = default, Size2? dilation = null, long groups = 1, bool bias = true)
    : Convolution(nameof(Conv2d), inChannels, outChannels, kernelSize.ToArray(), groups, bias)
{
    /// <summary>Kernel height and width.</summary>
    public Size2 KernelSize { get; } = kernelSize;
    /// <summary>Stride.</summary>
    public Size2 Stride { get; } = stride ?? 1;
    /// <summary>Zero padding on each side.</summary>
    public Size2 Padding { get; } = padding;
    /// <summary>Kernel dilation.</summary>
    public Size2 Dilation { get; } = dilation ?? 1;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        Run(input, 2, $"[N, {Invariant(InChannels)}, H, W]", x => Functional.Conv2d(x, Weight, Bias, Stride, Padding, Dilation, Groups));
}
