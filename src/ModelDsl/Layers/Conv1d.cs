namespace ModelDsl;

/// <summary>1-d convolution over [N, C, L] input (<c>nn.Conv1d</c>): weight [out, in/groups, k], bias [out].</summary>
public sealed class Conv1d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool bias = true)
    : Convolution(nameof(Conv1d), inChannels, outChannels, [kernelSize], groups, bias)
{
    /// <summary>Kernel length.</summary>
    public long KernelSize { get; } = kernelSize;
    /// <summary>Stride.</summary>
    public long Stride { get; } = stride;
    /// <summary>Zero padding on both sides.</summary>
    public long Padding { get; } = padding;
    /// <summary>Kernel dilation.</summary>
    public long Dilation { get; } = dilation;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        Run(input, 1, $"[N, {Invariant(InChannels)}, L]", x => Functional.Conv1d(x, Weight, Bias, Stride, Padding, Dilation, Groups));
}
