using System.Globalization;

namespace ModelDsl.Analyzers;

// Numbers in messages: invariant culture always, so a build log reads the same on every machine.
internal static class Format
{
    public static string Millions(double value) => (value / 1e6).ToString("0.###", CultureInfo.InvariantCulture);

    public static string Number(double value) => value.ToString("#,0.###", CultureInfo.InvariantCulture);

    public static string Percent(double actual, double limit) => ((actual / limit - 1) * 100).ToString("0.0", CultureInfo.InvariantCulture);
}
