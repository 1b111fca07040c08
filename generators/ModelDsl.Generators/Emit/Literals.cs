namespace ModelDsl.Generators;

/// <summary>C# literals the emitters write.</summary>
internal static class Literals
{
    /// <summary><paramref name="text"/> as a C# string literal (backslashes and quotes escaped).</summary>
    public static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
