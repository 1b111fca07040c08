using System.Globalization;

namespace ModelDsl.Generators;

// Number formatting for generated code and tables; always the invariant culture.
internal static class Numbers
{
    /// <summary>A C# literal with digit separators: <c>1_814_073_344</c>.</summary>
    public static string Literal(long value)
    {
        var digits = Math.Abs(value).ToString(CultureInfo.InvariantCulture);
        var grouped = new System.Text.StringBuilder();
        for (var i = 0; i < digits.Length; i++)
        {
            if (i > 0 && (digits.Length - i) % 3 == 0)
            {
                grouped.Append('_');
            }

            grouped.Append(digits[i]);
        }

        return (value < 0 ? "-" : string.Empty) + grouped;
    }

    /// <summary>Thousands separated by commas, as torchinfo prints: <c>1,814,073,344</c>.</summary>
    public static string Grouped(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A shape as <c>[64, 56, 56]</c>.</summary>
    public static string Shape(IEnumerable<int> dims) => "[" + string.Join(", ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
