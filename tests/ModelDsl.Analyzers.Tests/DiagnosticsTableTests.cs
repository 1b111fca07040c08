using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// the README's diagnostics table, AnalyzerReleases.Unshipped.md and the descriptors agree: every id has one row with the
/// descriptor's title and default severity and an anchor its help link points at.
/// </summary>
public class DiagnosticsTableTests
{
    private static string Root()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ModelDsl.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("ModelDsl.sln not found above " + AppContext.BaseDirectory);
    }

    private static Dictionary<string, string[]> Rows(string path, string pattern)
    {
        var rows = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path))
        {
            var match = Regex.Match(line, pattern);
            if (match.Success)
            {
                rows.Add(match.Groups["id"].Value, line.Split('|').Select(c => c.Trim()).ToArray());
            }
        }

        return rows;
    }

    [Fact]
    public void DiagnosticsTable_MatchesTheDescriptors()
    {
        var rows = Rows(Path.Combine(Root(), "README.md"), @"^\| <a id=""mdsl\d{4}""></a>(?<id>MDSL\d{4}) \|");
        var descriptors = DiagnosticDescriptors.All.ToList();
        Assert.Equal(descriptors.Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal), rows.Keys.OrderBy(i => i, StringComparer.Ordinal));
        foreach (var descriptor in descriptors)
        {
            var row = rows[descriptor.Id];
            Assert.Contains("<a id=\"" + descriptor.Id.ToLowerInvariant() + "\"></a>", row[1], StringComparison.Ordinal);
            Assert.Equal(descriptor.DefaultSeverity.ToString(), row[2]);
            Assert.Equal(descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture), row[3]);
            Assert.Equal(DiagnosticDescriptors.HelpLink(descriptor.Id), descriptor.HelpLinkUri);
            Assert.EndsWith("/README.md#" + descriptor.Id.ToLowerInvariant(), descriptor.HelpLinkUri, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ReleaseTracking_MatchesTheDescriptors()
    {
        var folder = Path.Combine(Root(), "generators", "ModelDsl.Generators");
        var rows = Rows(Path.Combine(folder, "AnalyzerReleases.Unshipped.md"), @"^(?<id>MDSL\d{4}) \|");
        foreach (var (id, cells) in Rows(Path.Combine(folder, "AnalyzerReleases.Shipped.md"), @"^(?<id>MDSL\d{4}) \|"))
        {
            rows.Add(id, cells);
        }

        foreach (var descriptor in DiagnosticDescriptors.All)
        {
            var row = rows[descriptor.Id];
            Assert.Equal(descriptor.Category, row[1]);
            Assert.Equal(descriptor.DefaultSeverity.ToString(), row[2]);
            Assert.Equal(descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture), row[3]);
        }

        Assert.Equal(DiagnosticDescriptors.All.Count(), rows.Count);
    }
}
