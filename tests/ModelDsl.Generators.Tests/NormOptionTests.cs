namespace ModelDsl.Generators.Tests;

/// <summary>Norm options and MobileNetV3's activations reach TorchSharp's constructors; PyTorch's defaults are left out.</summary>
public class NormOptionTests
{
    [Fact]
    public void EpsAndMomentumAreWrittenOnlyWhereTheyDifferFromPyTorchs()
    {
        var run = GeneratorHarness.Generate("""
            using ModelDsl;
            namespace Demo;
            /// <summary>M.</summary>
            [Model(InputShape = [3, 8, 8])]
            public partial class M
            {
                /// <summary>Layers.</summary>
                [Conv2d(8, Kernel = 1), BatchNorm2d, BatchNorm2d(Eps = 0.001, Momentum = 0.01), GroupNorm(2, Eps = 0.001), Hardswish, Hardsigmoid]
                public partial Layer Body { get; }
            }
            """);
        var source = run.Sources["Demo.M.g.cs"];
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        Assert.Contains("(\"1\", global::TorchSharp.torch.nn.BatchNorm2d(8))", source, StringComparison.Ordinal);
        Assert.Contains("(\"2\", global::TorchSharp.torch.nn.BatchNorm2d(8, eps: 0.001, momentum: 0.01))", source, StringComparison.Ordinal);
        Assert.Contains("(\"3\", global::TorchSharp.torch.nn.GroupNorm(2, 8, eps: 0.001))", source, StringComparison.Ordinal);
        Assert.Contains("(\"4\", global::TorchSharp.torch.nn.Hardswish())", source, StringComparison.Ordinal);
        Assert.Contains("(\"5\", global::TorchSharp.torch.nn.Hardsigmoid())", source, StringComparison.Ordinal);
    }
}
