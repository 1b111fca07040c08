using Microsoft.CodeAnalysis;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// The zoo's models (examples/ModelDsl.Zoo) through the generator and the analyzers together: valid models of every
/// DSL feature, so no diagnostic above Info may fire, and each model gets exactly one cost info.
/// </summary>
public class ZooTests
{
    private static readonly string[] Models =
    {
        "ResNet18", "ResNet50", "MobileNetV2", "Vgg11", "Mlp", "VitB16", "VitB16Encoder", "Gpt2Small", "Gpt2Tiny", "Gpt2Body", "MambaStack",
        "ShuffleNetV2", "DenseNet121", "RegNetY400MF", "EfficientNetV2S", "SwinV2T", "ConvNeXtTiny",
    };

    private static string ZooFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ModelDsl.sln")))
            {
                return Path.Combine(folder.FullName, "examples", "ModelDsl.Zoo");
            }
        }

        throw new InvalidOperationException("ModelDsl.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Every model source of the zoo (its console Program aside), ordered by path.</summary>
    public static string[] Sources() => Directory.GetFiles(ZooFolder(), "*.cs", SearchOption.AllDirectories)
        .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal) &&
                    !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal) &&
                    Path.GetFileName(f) != "Program.cs")
        .OrderBy(f => f, StringComparer.Ordinal)
        .Select(File.ReadAllText)
        .ToArray();

    [Fact]
    public void EveryZooModel_HasNoWarningOrError()
    {
        var run = AnalyzerHarness.Analyze(Sources());
        var describe = string.Join("\n", run.AnalyzerDiagnostics.Concat(run.GeneratorDiagnostics).Select(d => d.ToString()));
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        Assert.True(
            !run.AnalyzerDiagnostics.Any(d => d.Severity >= DiagnosticSeverity.Warning || d.Id == "AD0001"),
            "Unexpected diagnostics:\n" + describe);
        Assert.DoesNotContain(run.CompilerDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void EveryZooModelsGeneratedSource_CompilesWithoutAWarning()
    {
        // Issue 10's acceptance for the zoo: generated with zero compiler warnings (the zoo's own build, warnings as
        // errors, enforces it too; this says which file when it breaks). Every model generates a source of its own.
        var run = AnalyzerHarness.Analyze(Sources());
        var generated = run.Compilation.SyntaxTrees.Select(t => Path.GetFileName(t.FilePath)).Where(f => f.EndsWith(".g.cs", StringComparison.Ordinal)).ToList();
        Assert.All(Models, m => Assert.Contains(generated, f => f.EndsWith("." + m + ".g.cs", StringComparison.Ordinal)));
        var warnings = run.CompilerDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(warnings.Count == 0, "Compiler warnings:\n" + string.Join("\n", warnings));
    }

    [Fact]
    public void EveryZooModelAndVariant_GetsOneCostInfo()
    {
        var run = AnalyzerHarness.Analyze(Sources());
        var costs = run.AnalyzerDiagnostics.Where(d => d.Id == "MDSL2005").ToList();
        Assert.All(costs, d => Assert.Equal(DiagnosticSeverity.Info, d.Severity));
        var named = costs.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        // One per model, and one per generated variant (ResNet18's Half and Int8, Mlp's Int8), on its [Variant].
        Assert.Equal(Models.Length + 3, costs.Count);
        Assert.Single(named, m => m.StartsWith("Model 'ResNet18Half':", StringComparison.Ordinal));
        Assert.Single(named, m => m.StartsWith("Model 'ResNet18Int8':", StringComparison.Ordinal));
        // By hand, MlpInt8 stores out × in int8 values and 8 bytes (scale, bias) per output of its three Linears.
        Assert.Single(named, m => m.StartsWith("Model 'MlpInt8':", StringComparison.Ordinal) &&
            m.Contains(((784 * 256) + (256 * 8) + (256 * 128) + (128 * 8) + (128 * 10) + (10 * 8)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " weight bytes", StringComparison.Ordinal));
        foreach (var model in Models)
        {
            Assert.Single(named, m => m.StartsWith("Model '" + model + "':", StringComparison.Ordinal));
        }
    }
}
