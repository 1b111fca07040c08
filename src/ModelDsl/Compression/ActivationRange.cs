namespace ModelDsl;

/// <summary>
/// The float range a calibration pass saw at a quantised layer's input and output, and the uint8 quantisation that
/// follows from it as PyTorch's <c>MinMaxObserver</c> computes it (per tensor, affine, the range widened to include 0).
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

    /// <summary>The range that covers this one and <paramref name="other"/>.</summary>
    public ActivationRange Union(ActivationRange other) => new(
        Math.Min(InputMin, other.InputMin), Math.Max(InputMax, other.InputMax),
        Math.Min(OutputMin, other.OutputMin), Math.Max(OutputMax, other.OutputMax));

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
