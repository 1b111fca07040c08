namespace ModelDsl;

/// <summary><c>nn.MaxPool2d</c> with a square window.</summary>
/// <param name="kernel">Window size.</param>
public sealed class MaxPool2dAttribute(object kernel) : LayerAttribute
{
    /// <summary>Window size.</summary>
    public object Kernel { get; } = kernel;

    /// <summary>Stride; the window size by default.</summary>
    public object? Stride { get; set; }

    /// <summary>Implicit negative-infinity padding on each side; 0 by default.</summary>
    public object? Padding { get; set; }
}

/// <summary><c>nn.AvgPool2d</c> with a square window.</summary>
/// <param name="kernel">Window size.</param>
public sealed class AvgPool2dAttribute(object kernel) : LayerAttribute
{
    /// <summary>Window size.</summary>
    public object Kernel { get; } = kernel;

    /// <summary>Stride; the window size by default.</summary>
    public object? Stride { get; set; }

    /// <summary>Zero padding on each side; 0 by default.</summary>
    public object? Padding { get; set; }
}

/// <summary><c>nn.AdaptiveAvgPool2d</c> to a square output of <paramref name="size"/> × <paramref name="size"/>.</summary>
/// <param name="size">Output height and width (1 for global average pooling).</param>
public sealed class AdaptiveAvgPool2dAttribute(object size) : LayerAttribute
{
    /// <summary>Output height and width.</summary>
    public object Size { get; } = size;
}

/// <summary>Flattens all per-sample dimensions into one (<c>torch.flatten(x, 1)</c>).</summary>
public sealed class FlattenAttribute : LayerAttribute
{
}

/// <summary>
/// <c>nn.ChannelShuffle</c>: interleaves an image's channels across <paramref name="groups"/> (ShuffleNet's
/// <c>channel_shuffle</c>: [C, H, W] viewed as [g, C/g, H, W], the first two swapped, flattened back). No parameters.
/// </summary>
/// <param name="groups">Groups, dividing the channels.</param>
public sealed class ChannelShuffleAttribute(object groups) : LayerAttribute
{
    /// <summary>Groups, dividing the channels.</summary>
    public object Groups { get; } = groups;
}
