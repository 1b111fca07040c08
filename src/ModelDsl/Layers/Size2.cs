namespace ModelDsl;

/// <summary>A (height, width) pair for kernels, strides and paddings: write <c>3</c> or <c>(3, 1)</c>.</summary>
public readonly record struct Size2(long Height, long Width)
{
    /// <summary>The same value for height and width.</summary>
    public static implicit operator Size2(long both) => new(both, both);

    /// <summary>Explicit height and width.</summary>
    public static implicit operator Size2((long Height, long Width) pair) => new(pair.Height, pair.Width);

    internal long[] ToArray() => [Height, Width];

    /// <inheritdoc />
    public override string ToString() => Height == Width ? $"{Height}" : $"({Height}, {Width})";
}
