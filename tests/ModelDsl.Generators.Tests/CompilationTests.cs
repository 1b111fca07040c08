using Microsoft.CodeAnalysis;

namespace ModelDsl.Generators.Tests;

/// <summary>Generated code compiles against the runtime with no error and no warning (documentation warnings included).</summary>
public class CompilationTests
{
    [Theory]
    [InlineData("mlp")]
    [InlineData("resnet")]
    [InlineData("encoder")]
    [InlineData("global")]
    public void GeneratedCodeCompilesWithoutWarnings(string which)
    {
        var sources = which switch
        {
            "mlp" => new[] { Sources.Mlp },
            "resnet" => new[] { Sources.SmallResNet, Sources.BasicBlock },
            "encoder" => new[] { Sources.Encoder },
            _ => new[] { GlobalNamespaceInternalTypes },
        };
        var run = GeneratorHarness.Generate(sources);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Null(run.Result.Results.Single().Exception);
        Assert.NotEmpty(run.Sources);
        Assert.Empty(run.CompilationDiagnostics.Select(d => d.ToString()));
    }

    // The global namespace, internal classes, an internal property typed as its concrete layer, a block used directly.
    private const string GlobalNamespaceInternalTypes = """
        using ModelDsl;
        using TorchSharp.Modules;

        [Block("width")]
        [Residual]
        internal partial class Mix
        {
            [Linear("width"), GELU, Linear("in_channels")] internal partial Layer Mlp { get; }
        }

        [Model(InputShape = [16])]
        internal partial class Tiny
        {
            [Linear(8)] internal partial Linear In { get; }

            [Block(typeof(Mix), "width = 32")] internal partial Mix Body { get; }
        }
        """;

    [Fact]
    public void WithoutTheGeneratorThePartialPropertiesAreUnimplemented()
    {
        // The control for the test above: the input alone does not compile, so the generated code is what completes it.
        var diagnostics = GeneratorHarness.Compilation(Sources.Mlp).GetDiagnostics();
        Assert.Contains(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }
}
