namespace ModelDsl.Generators;

// The "name = value" notation of block parameters and arguments ("stride = 1", "planes = width * 2").
internal static class Assignment
{
    /// <summary>Splits at the first '='; the value is null when there is none, the name null when it is not an identifier.</summary>
    public static (string? Name, string? Value) Split(string text)
    {
        var at = text.IndexOf('=');
        var name = (at < 0 ? text : text.Substring(0, at)).Trim();
        var value = at < 0 ? null : text.Substring(at + 1).Trim();
        return (Names.IsIdentifier(name) ? name : null, value is { Length: > 0 } ? value : null);
    }
}
