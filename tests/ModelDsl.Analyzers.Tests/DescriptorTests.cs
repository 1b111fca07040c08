using System.Text.RegularExpressions;

namespace ModelDsl.Analyzers.Tests;

/// <summary>The descriptor file, the release-tracking file and the diagnostics table agree.</summary>
public class DescriptorTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void IdsAreFixedWidthUniqueAndGroupedByFamily()
    {
        var all = DiagnosticDescriptors.All.ToList();
        Assert.Equal(all.Count, all.Select(d => d.Id).Distinct().Count());
        foreach (var descriptor in all)
        {
            Assert.Matches("^MDSL[0-3][0-9]{3}$", descriptor.Id);
            var family = descriptor.Id[4] switch
            {
                '0' => DiagnosticDescriptors.Categories.Declaration,
                '1' => DiagnosticDescriptors.Categories.Shape,
                '2' => DiagnosticDescriptors.Categories.Budget,
                _ => DiagnosticDescriptors.Categories.Compression,
            };
            Assert.Equal(family, descriptor.Category);
            Assert.Equal("https://github.com/modeldsl/modeldsl/blob/main/README.md#" + descriptor.Id.ToLowerInvariant(), descriptor.HelpLinkUri);
        }
    }

    [Fact]
    public void EveryDescriptorHasARowInTheTableAndTheReleaseFile()
    {
        var table = File.ReadAllText(Path.Combine(Root, "README.md"));
        var releases = File.ReadAllText(Path.Combine(Root, "generators", "ModelDsl.Generators", "AnalyzerReleases.Unshipped.md"));
        foreach (var descriptor in DiagnosticDescriptors.All)
        {
            Assert.Contains("<a id=\"" + descriptor.Id.ToLowerInvariant() + "\"></a>" + descriptor.Id + " | " + descriptor.DefaultSeverity + " | " + descriptor.Title, table);
            Assert.Matches(new Regex("^" + descriptor.Id + " \\| " + Regex.Escape(descriptor.Category) + " \\| " + descriptor.DefaultSeverity + " \\|", RegexOptions.Multiline), releases);
        }

        Assert.Equal(DiagnosticDescriptors.All.Count(), Regex.Matches(table, "<a id=\"mdsl").Count);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ModelDsl.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ModelDsl.sln not found");
    }
}
