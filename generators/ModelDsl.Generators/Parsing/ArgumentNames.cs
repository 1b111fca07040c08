namespace ModelDsl.Generators;

// The C# names of attribute parameters and properties mapped to the spec's argument names (LayerArguments).
// Most are the same word in snake_case (Kernel → kernel); these few differ because C# reserves or spells them otherwise.
internal static class ArgumentNames
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["outChannels"] = "out",
        ["OutChannels"] = "out",
        ["outFeatures"] = "out",
        ["OutFeatures"] = "out",
        ["Vocabulary"] = "vocab",
    };

    public static string ToSpec(string csharpName) =>
        Aliases.TryGetValue(csharpName, out var name) ? name : Names.ToSnakeCase(csharpName);
}
