using System.Globalization;

namespace ModelDsl.Analyzers;

// Numbers in messages: invariant culture always, so a build log reads the same on every machine.
internal static class Format
{
    // Three decimals for model totals; a small layer keeps its digits rather than reading as 0.
    public static string Millions(double value) =>
        (value / 1e6).ToString(value != 0 && Math.Abs(value) < 1e3 ? "0.######" : "0.###", CultureInfo.InvariantCulture);

    public static string Number(double value) => value.ToString("#,0.###", CultureInfo.InvariantCulture);

    public static string Percent(double actual, double limit) => ((actual / limit - 1) * 100).ToString("0.0", CultureInfo.InvariantCulture);
}
