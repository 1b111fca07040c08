using System.Globalization;
using Microsoft.CodeAnalysis;

namespace ModelDsl.Analyzers.Tests;

/// <summary>The example zoo (ResNet-18/50 as a user writes them) gets no diagnostic but its cost, and the cost is torchvision's.</summary>
public class ZooCostTests
{
    [Fact]
    public void ResNetsAreCleanAndCostAsPublished()
    {
        var folder = Path.Combine(Root(), "examples", "ModelDsl.Zoo", "ResNets");
        var sources = Directory.GetFiles(folder, "*.cs").OrderBy(f => f, StringComparer.Ordinal).Select(File.ReadAllText).ToArray();
        var run = AnalyzerHarness.Analyze(sources);
        Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        var costs = run.AnalyzerDiagnostics.Where(d => d.Id == "MDSL2005").Select(d => d.GetMessage(CultureInfo.InvariantCulture)).ToList();

        // torchvision: resnet18 1.814 GMACs, 11,689,512 parameters; resnet50 4.089 GMACs, 25,557,032 parameters.
        Assert.Contains(costs, m => m.StartsWith("Model 'ResNet18':", StringComparison.Ordinal) && m.Contains("1814.073 MMACs, 11,689,512 parameters"));
        Assert.Contains(costs, m => m.StartsWith("Model 'ResNet50':", StringComparison.Ordinal) && m.Contains("4089.184 MMACs, 25,557,032 parameters"));
    }

    private static string Root()
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
