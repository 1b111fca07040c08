namespace ModelDsl;

/// <summary>
/// A state dict that does not fit the module: keys it lacks, keys the module lacks, tensors of the wrong shape, and
/// tensors of the wrong kind (floating point where the module holds integers, or the reverse). Thrown before any weight
/// is changed.
/// </summary>
public sealed class StateDictMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception; <paramref name="source"/> names where the state dict came from (a file, or "state dict").</summary>
    public StateDictMismatchException(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> misShaped)
        : this(source, missing, unexpected, misShaped, [])
    {
    }

    /// <summary>Creates the exception, with the tensors of the wrong kind (<see cref="MisTyped"/>) too.</summary>
    public StateDictMismatchException(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> misShaped, IReadOnlyList<string> misTyped)
        : base(Describe(source, missing, unexpected, misShaped, misTyped))
    {
        (Missing, Unexpected, MisShaped, MisTyped) = (missing, unexpected, misShaped, misTyped);
    }

    /// <summary>Keys of the module the state dict has no tensor for.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Keys of the state dict the module has no tensor for.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>"key: expected [8, 16], got [8, 15]" for every tensor of the wrong shape.</summary>
    public IReadOnlyList<string> MisShaped { get; }

    /// <summary>
    /// "key: expected Int8, got Float32" for every tensor whose kind differs from the module's: a floating-point tensor
    /// for an integer one (a dense checkpoint loaded into a quantised variant, whose copy would truncate every weight) or
    /// the reverse. A floating-point type for another (float64 for float32) is converted and not listed.
    /// </summary>
    public IReadOnlyList<string> MisTyped { get; }

    private static string Describe(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> misShaped, IReadOnlyList<string> misTyped)
    {
        var parts = new List<string>();
        if (missing.Count > 0)
        {
            parts.Add($"missing keys: {string.Join(", ", missing)}");
        }
        if (missing.Count > 0 && missing.All(QuantisationKey))
        {
            // What a float32 checkpoint lacks when it is loaded into an int8 or int4 variant.
            parts.Add("the missing keys are the scales of quantised layers, which a float checkpoint does not have: load it into the dense model and make this variant from that with its FromDense");
        }
        if (unexpected.Count > 0)
        {
            parts.Add($"unexpected keys: {string.Join(", ", unexpected)}");
        }
        if (misShaped.Count > 0)
        {
            parts.Add($"mis-shaped: {string.Join("; ", misShaped)}");
        }
        if (misTyped.Count > 0)
        {
            parts.Add($"mis-typed: {string.Join("; ", misTyped)}");
        }
        return $"{source} does not match the module, no weight was changed: {string.Join("; ", parts)}";
    }

    // Int8Linear's and Int8Conv2d's weight_scale, Int4Linear's weight_packed: state-dict entries only a quantised layer has.
    private static bool QuantisationKey(string key) =>
        key.EndsWith(".weight_scale", StringComparison.Ordinal) || key.EndsWith(".weight_packed", StringComparison.Ordinal) ||
        key is "weight_scale" or "weight_packed";
}
