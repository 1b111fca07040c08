namespace ModelDsl;

/// <summary>
/// The float range a calibration pass saw at a quantised layer's input and output, and the uint8 quantisation that
/// follows from it as PyTorch's <c>MinMaxObserver</c> computes it (per tensor, affine, the range widened to include 0).
/// For a convolution whose output only a batch norm reads, the pass also records the range after that norm
/// (<see cref="FoldedOutputMin"/>, <see cref="FoldedOutputMax"/>): the output range of the convolution with the norm
/// folded in (<see cref="BatchNormFolding"/>).
/// </summary>
/// <param name="InputMin">Smallest input value seen.</param>
/// <param name="InputMax">Largest input value seen.</param>
/// <param name="OutputMin">Smallest output value seen.</param>
/// <param name="OutputMax">Largest output value seen.</param>
public sealed record ActivationRange(float InputMin, float InputMax, float OutputMin, float OutputMax)
{
    // Inputs use 7 of the 8 bits, as PyTorch's x86/fbgemm qconfigs do (reduce_range): on CPUs without VNNI the int8
    // kernel adds pairs of uint8 × int8 products in 16 bits, which full-range inputs can saturate. Outputs use all 8.
    private const int InputLevels = 127;
    private const int OutputLevels = 255;

    /// <summary>The input's scale and zero point (uint8 in [0, 127]).</summary>
    public (double Scale, long ZeroPoint) Input => Affine(InputMin, InputMax, InputLevels);

    /// <summary>The output's scale and zero point (uint8 in [0, 255]).</summary>
    public (double Scale, long ZeroPoint) Output => Affine(OutputMin, OutputMax, OutputLevels);

    /// <summary>Smallest value seen after the batch norm that reads the output, or null when none was observed.</summary>
    public float? FoldedOutputMin { get; init; }

    /// <summary>Largest value seen after the batch norm that reads the output, or null when none was observed.</summary>
    public float? FoldedOutputMax { get; init; }

    /// <summary>The scale and zero point of the output with the batch norm folded in (uint8 in [0, 255]), or null.</summary>
    public (double Scale, long ZeroPoint)? FoldedOutput =>
        FoldedOutputMin is { } min && FoldedOutputMax is { } max ? Affine(min, max, OutputLevels) : null;

    /// <summary>The range that covers this one and <paramref name="other"/> (a folded range only where both have one).</summary>
    public ActivationRange Union(ActivationRange other) => new(
        Math.Min(InputMin, other.InputMin), Math.Max(InputMax, other.InputMax),
        Math.Min(OutputMin, other.OutputMin), Math.Max(OutputMax, other.OutputMax))
    {
        FoldedOutputMin = FoldedOutputMin is { } a && other.FoldedOutputMin is { } b ? Math.Min(a, b) : null,
        FoldedOutputMax = FoldedOutputMax is { } c && other.FoldedOutputMax is { } d ? Math.Max(c, d) : null,
    };

    private static (double Scale, long ZeroPoint) Affine(float min, float max, int levels)
    {
        if (!float.IsFinite(min) || !float.IsFinite(max) || min > max)
        {
            throw new ArgumentException($"ActivationRange: the range [{min}, {max}] is not a finite interval");
        }
        double low = Math.Min(min, 0f), high = Math.Max(max, 0f);
        var scale = Math.Max((high - low) / levels, Int8Linear.Epsilon);
        var zeroPoint = (long)Math.Clamp(-Math.Round(low / scale, MidpointRounding.ToEven), 0, levels);
        return (scale, zeroPoint);
    }
}
