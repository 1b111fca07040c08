using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace ModelDsl.Generators.Tests;

/// <summary>Generation time of a large model (issue 3 asks for 500 layers in under 200 ms; the bound here is loose for CI).</summary>
public class ScaleTests(ITestOutputHelper output)
{
    [Fact]
    public void FiveHundredLayerModelGeneratesQuickly()
    {
        // 250 properties of Linear + ReLU: 500 layers.
        var source = new StringBuilder("using ModelDsl;\nnamespace Demo;\n/// <summary>Deep.</summary>\n[Model(InputShape = [64])]\npublic partial class Deep\n{\n");
        for (var i = 0; i < 250; i++)
        {
            source.Append("    /// <summary>Layer.</summary>\n    [Linear(64), ReLU] public partial Layer L").Append(i).Append(" { get; }\n");
        }

        source.Append("}\n");
        var compilation = GeneratorHarness.Compilation(source.ToString());
        GeneratorHarness.Driver().RunGenerators(compilation); // warm-up: JIT and Roslyn caches

        var clock = Stopwatch.StartNew();
        var result = GeneratorHarness.Driver().RunGenerators(compilation).GetRunResult();
        clock.Stop();

        output.WriteLine($"500 layers: {clock.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Contains("CostTable", result.GeneratedTrees.Single().ToString(), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed.TotalMilliseconds:F0} ms");
    }
}
