namespace ModelDsl;

/// <summary>A state dict that does not fit a module: every missing, unexpected and mis-shaped key at once.</summary>
public sealed class StateDictException : Exception
{
    internal StateDictException(string module, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> misShaped)
        : base(Describe(module, missing, unexpected, misShaped))
    {
        Missing = missing;
        Unexpected = unexpected;
        MisShaped = misShaped;
    }

    /// <summary>Keys the module has and the state dict lacks.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Keys the state dict has and the module lacks.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>"key: expected [..], got [..]" for every key whose shape differs.</summary>
    public IReadOnlyList<string> MisShaped { get; }

    private static string Describe(string module, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> misShaped)
    {
        var parts = new List<string>();
        if (missing.Count > 0)
        {
            parts.Add("missing keys: " + string.Join(", ", missing));
        }
        if (unexpected.Count > 0)
        {
            parts.Add("unexpected keys: " + string.Join(", ", unexpected));
        }
        if (misShaped.Count > 0)
        {
            parts.Add("mis-shaped keys: " + string.Join("; ", misShaped));
        }
        return $"Error loading the state dict of {module}: " + string.Join(". ", parts);
    }
}
