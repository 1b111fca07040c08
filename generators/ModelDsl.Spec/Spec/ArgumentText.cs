using System.Globalization;

namespace ModelDsl.Spec;

/// <summary>
/// How an argument's text reads as a flag or a real: the one reading shape inference resolves layers with and the
/// emitter writes block constructors from, so that both see the same value.
/// </summary>
public static class ArgumentText
{
    /// <summary><c>true</c>/<c>1</c> or <c>false</c>/<c>0</c> (any case, trimmed); false when it is neither.</summary>
    /// <param name="text">The argument text.</param>
    /// <param name="value">The flag.</param>
    public static bool TryBool(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "1":
                value = true;
                return true;
            case "false" or "0":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>A number in the invariant culture, as its round-trip ("R") text; false when it is not one.</summary>
    /// <param name="text">The argument text.</param>
    /// <param name="value">The normalised text.</param>
    public static bool TryReal(string text, out string value)
    {
        var parsed = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real);
        value = parsed ? real.ToString("R", CultureInfo.InvariantCulture) : string.Empty;
        return parsed;
    }
}
