namespace ModelDsl.Generators.Tests;

/// <summary>What the generator writes for int8, int4, low-rank and pruned-then-int8 variants, read from the generated source.</summary>
public class WeightTransformGenerationTests
{
    private const string Mlp = """
        using ModelDsl;
        namespace Demo;
        /// <summary>M.</summary>
        [Model(InputShape = [64])]
        [Variant("HalfInt8", KeepChannels = 0.5, Weights = Precision.Int8)]
        public partial class M
        {
            /// <summary>H.</summary>
            [Linear(256), ReLU] public partial Layer Hidden { get; }
            /// <summary>O.</summary>
            [Linear(10)] public partial Layer Out { get; }
        }
        """;

    [Fact]
    public void PruneThenInt8CutsTheDenseWeightsAndQuantisesTheCuts()
    {
        var run = GeneratorHarness.Generate(Mlp);
        Assert.Empty(run.GeneratorDiagnostics.Select(d => d.ToString()));
        var variant = run.Sources["Demo.MHalfInt8.g.cs"];
        Assert.Contains("global::ModelDsl.Compression.Quantize(variant, \"hidden.0\", global::ModelDsl.Pruning.Cut(weights, \"hidden.0.weight\", new global::ModelDsl.Slice(0, keep0)), global::ModelDsl.Pruning.Cut(weights, \"hidden.0.bias\", new global::ModelDsl.Slice(0, keep0)));", variant, StringComparison.Ordinal);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning);
    }
}
