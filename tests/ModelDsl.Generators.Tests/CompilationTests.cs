using Microsoft.CodeAnalysis;

namespace ModelDsl.Generators.Tests;

/// <summary>Generated code compiles against the runtime with no error and no warning (documentation warnings included).</summary>
public class CompilationTests
{
    [Theory]
    [InlineData("mlp")]
    [InlineData("resnet")]
    [InlineData("encoder")]
    public void GeneratedCodeCompilesWithoutWarnings(string which)
    {
        var sources = which switch
        {
            "mlp" => new[] { Sources.Mlp },
            "resnet" => new[] { Sources.SmallResNet, Sources.BasicBlock },
            _ => new[] { Sources.Encoder },
        };
        var run = GeneratorHarness.Generate(sources);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Null(run.Result.Results.Single().Exception);
        Assert.NotEmpty(run.Sources);
        Assert.Empty(run.CompilationDiagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void WithoutTheGeneratorThePartialPropertiesAreUnimplemented()
    {
        // The control for the test above: the input alone does not compile, so the generated code is what completes it.
        var diagnostics = GeneratorHarness.Compilation(Sources.Mlp).GetDiagnostics();
        Assert.Contains(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }
}
