using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ModelDsl.AnalyzerBenchmarks;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// The 500-layer model of the analyzer benchmark is analysed completely (its FLOP budget overrun is found).
/// Its run time is a benchmark figure, not a test assertion: benchmarks/ModelDsl.AnalyzerBenchmarks and
/// docs/benchmarks.md section 5.
/// </summary>
public class AnalyzerTimeTests
{
    [Fact]
    public async Task FiveHundredLayerBenchmarkModelIsAnalysedToTheEnd()
    {
        var source = LargeModel.Source(500);
        var compilation = CSharpCompilation.Create("Bench", [CSharpSyntaxTree.ParseText(source, AnalyzerHarness.ParseOptions), AnalyzerHarness.LayerAlias], AnalyzerHarness.MetadataReferences, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var diagnostics = await compilation.WithAnalyzers([new ModelAnalyzer()], new AnalyzerOptions([])).GetAnalyzerDiagnosticsAsync();
        var overrun = Assert.Single(diagnostics, d => d.Id == "MDSL2001");
        Assert.Contains("most expensive layers: ", overrun.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
