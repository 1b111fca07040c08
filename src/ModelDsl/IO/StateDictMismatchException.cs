namespace ModelDsl;

/// <summary>
/// A state dict that does not fit the module: keys it lacks, keys the module lacks, and tensors of the wrong shape.
/// Thrown before any weight is changed.
/// </summary>
public sealed class StateDictMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception; <paramref name="source"/> names where the state dict came from (a file, or "state dict").</summary>
    public StateDictMismatchException(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> misShaped)
        : base(Describe(source, missing, unexpected, misShaped))
    {
        (Missing, Unexpected, MisShaped) = (missing, unexpected, misShaped);
    }

    /// <summary>Keys of the module the state dict has no tensor for.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Keys of the state dict the module has no tensor for.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>"key: expected [8, 16], got [8, 15]" for every tensor of the wrong shape.</summary>
    public IReadOnlyList<string> MisShaped { get; }

    private static string Describe(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> misShaped)
    {
        var parts = new List<string>();
        if (missing.Count > 0)
        {
            parts.Add($"missing keys: {string.Join(", ", missing)}");
        }
        if (unexpected.Count > 0)
        {
            parts.Add($"unexpected keys: {string.Join(", ", unexpected)}");
        }
        if (misShaped.Count > 0)
        {
            parts.Add($"mis-shaped: {string.Join("; ", misShaped)}");
        }
        return $"{source} does not match the module, no weight was changed: {string.Join("; ", parts)}";
    }
}
