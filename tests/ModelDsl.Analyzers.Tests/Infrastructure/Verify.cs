using Microsoft.CodeAnalysis;

namespace ModelDsl.Analyzers.Tests;

/// <summary>Asserts that exactly the marked diagnostics fire, at exactly the marked spans.</summary>
internal static class Verify
{
    /// <summary>
    /// Runs the analyzers over <paramref name="markup"/> (plus plain <paramref name="others"/>) and compares the
    /// ModelDsl diagnostics (ids in <paramref name="ignore"/> aside; the cost info by default) with the marks.
    /// </summary>
    public static IReadOnlyList<Diagnostic> Diagnostics(string markup, string[]? others = null, string[]? ignore = null)
    {
        var (source, expected) = Markup.Parse(markup);
        var run = AnalyzerHarness.Analyze(new[] { source }.Concat(others ?? Array.Empty<string>()).ToArray());
        ignore ??= new[] { "MDSL2005" };
        Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Id == "AD0001");
        var actual = run.AnalyzerDiagnostics
            .Where(d => !ignore.Contains(d.Id) && d.Location.SourceTree?.FilePath == "Input0.cs")
            .Select(d => (d.Id, d.Location.SourceSpan))
            .OrderBy(d => d.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToList();
        var wanted = expected.OrderBy(e => e.Span.Start).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
        var describe = string.Join("\n", run.AnalyzerDiagnostics.Select(d => d.Id + " " + d.Location.SourceSpan + " '" + source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length) + "': " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(wanted.SequenceEqual(actual), "Expected:\n" + string.Join("\n", wanted) + "\nActual:\n" + describe);
        return run.AnalyzerDiagnostics.Where(d => !ignore.Contains(d.Id)).ToList();
    }

    /// <summary>Asserts that no ModelDsl diagnostic but the cost info fires.</summary>
    public static void Silent(string source, params string[] others) => Diagnostics(source, others);
}
