namespace ModelDsl;

/// <summary>Maximum over kernel windows of [N, C, H, W] input (<c>nn.MaxPool2d</c>); the stride defaults to the kernel size.</summary>
public sealed class MaxPool2d(Size2 kernelSize, Size2? stride = null, Size2 padding = default, bool ceilMode = false) : Layer
{
    /// <summary>Window size.</summary>
    public Size2 KernelSize { get; } = kernelSize;
    /// <summary>Window step.</summary>
    public Size2 Stride { get; } = stride ?? kernelSize;
    /// <summary>Implicit −∞ padding on each side.</summary>
    public Size2 Padding { get; } = padding;
    /// <summary>Round the output size up instead of down.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        RequireImage(input);
        try
        {
            return Functional.MaxPool2d(input, KernelSize, Stride, Padding, CeilMode);
        }
        catch (TorchException e)
        {
            throw LayerError(e, input);
        }
    }
}

/// <summary>Mean over kernel windows of [N, C, H, W] input (<c>nn.AvgPool2d</c>); the stride defaults to the kernel size.</summary>
public sealed class AvgPool2d(Size2 kernelSize, Size2? stride = null, Size2 padding = default, bool ceilMode = false, bool countIncludePad = true) : Layer
{
    /// <summary>Window size.</summary>
    public Size2 KernelSize { get; } = kernelSize;
    /// <summary>Window step.</summary>
    public Size2 Stride { get; } = stride ?? kernelSize;
    /// <summary>Implicit zero padding on each side.</summary>
    public Size2 Padding { get; } = padding;
    /// <summary>Round the output size up instead of down.</summary>
    public bool CeilMode { get; } = ceilMode;
    /// <summary>Count padded zeros in the divisor.</summary>
    public bool CountIncludePad { get; } = countIncludePad;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        RequireImage(input);
        try
        {
            return Functional.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad);
        }
        catch (TorchException e)
        {
            throw LayerError(e, input);
        }
    }
}

/// <summary>Average pooling of [N, C, H, W] input to a fixed output size (<c>nn.AdaptiveAvgPool2d</c>).</summary>
public sealed class AdaptiveAvgPool2d(Size2 outputSize) : Layer
{
    /// <summary>Output height and width.</summary>
    public Size2 OutputSize { get; } = outputSize;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        RequireImage(input);
        return Functional.AdaptiveAvgPool2d(input, OutputSize);
    }
}
