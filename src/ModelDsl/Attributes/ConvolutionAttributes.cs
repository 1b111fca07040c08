namespace ModelDsl;

// Sizes are typed object so that one attribute takes a constant (64) or, inside a block, an expression over the
// block's parameters ("planes * 4"); the generator reads them as written.

/// <summary>What <see cref="Conv1dAttribute"/> and <see cref="Conv2dAttribute"/> share: every argument but the input rank.</summary>
public abstract class ConvolutionAttribute : LayerAttribute
{
    /// <summary>A depthwise convolution (<see cref="Depthwise"/> = true): out channels = in channels.</summary>
    private protected ConvolutionAttribute()
    {
    }

    /// <summary>A convolution to <paramref name="outChannels"/> channels.</summary>
    private protected ConvolutionAttribute(object outChannels) => OutChannels = outChannels;

    /// <summary>Output channels; null for a depthwise convolution.</summary>
    public object? OutChannels { get; }

    /// <summary>Kernel size (required).</summary>
    public object? Kernel { get; set; }

    /// <summary>Stride; 1 by default.</summary>
    public object? Stride { get; set; }

    /// <summary>Zero padding on each side; 0 by default.</summary>
    public object? Padding { get; set; }

    /// <summary>Kernel dilation; 1 by default.</summary>
    public object? Dilation { get; set; }

    /// <summary>Channel groups; 1 by default.</summary>
    public object? Groups { get; set; }

    /// <summary>One group per input channel (groups = in channels).</summary>
    public bool Depthwise { get; set; }

    /// <summary>Whether the layer has a bias; true by default.</summary>
    public bool Bias { get; set; } = true;
}

/// <summary>
/// <c>nn.Conv1d</c> over a signal [C, L]; in channels are inferred. Integer arguments take a number or, inside a
/// block, an expression over its parameters (<c>"planes * 4"</c>).
/// </summary>
public sealed class Conv1dAttribute : ConvolutionAttribute
{
    /// <summary>A depthwise convolution (<see cref="ConvolutionAttribute.Depthwise"/> = true): out channels = in channels.</summary>
    public Conv1dAttribute()
    {
    }

    /// <summary>A convolution to <paramref name="outChannels"/> channels.</summary>
    /// <param name="outChannels">Output channels: a number or an expression.</param>
    public Conv1dAttribute(object outChannels) : base(outChannels)
    {
    }
}

/// <summary>
/// <c>nn.Conv2d</c> over an image [C, H, W] with a square kernel; in channels are inferred. Integer arguments take a
/// number or, inside a block, an expression over its parameters (<c>"planes * 4"</c>).
/// </summary>
public sealed class Conv2dAttribute : ConvolutionAttribute
{
    /// <summary>A depthwise convolution (<see cref="ConvolutionAttribute.Depthwise"/> = true): out channels = in channels.</summary>
    public Conv2dAttribute()
    {
    }

    /// <summary>A convolution to <paramref name="outChannels"/> channels.</summary>
    /// <param name="outChannels">Output channels: a number or an expression.</param>
    public Conv2dAttribute(object outChannels) : base(outChannels)
    {
    }
}
