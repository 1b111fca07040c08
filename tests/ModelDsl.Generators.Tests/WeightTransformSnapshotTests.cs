namespace ModelDsl.Generators.Tests;

/// <summary>The generated text of the weight-transform variants of one MLP (see Snapshots/Demo.Mlp*.verified.cs).</summary>
public class WeightTransformSnapshotTests
{
    private const string Source = """
        using ModelDsl;

        namespace Demo;

        /// <summary>A two-layer perceptron for 28x28 digits, with its weight-transform variants.</summary>
        [Model(InputShape = [784])]
        [Variant("Int8", Weights = Precision.Int8)]
        [Variant("Int4", Weights = Precision.Int4)]
        [Variant("Lr", Rank = 32)]
        [Variant("HalfInt8", KeepChannels = 0.5, Weights = Precision.Int8)]
        public partial class Mlp
        {
            /// <summary>Hidden layer.</summary>
            [Linear(128), ReLU, Dropout(0.1)] public partial Layer Hidden { get; }

            /// <summary>Classifier.</summary>
            [Linear(10)] public partial Layer Output { get; }
        }
        """;

    [Theory]
    [InlineData("Int8")]
    [InlineData("Int4")]
    [InlineData("Lr")]
    [InlineData("HalfInt8")]
    public void Variant(string name)
    {
        var run = GeneratorHarness.Generate(Source);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning);
        Snapshot.Verify("Demo.Mlp" + name, run.Sources["Demo.Mlp" + name + ".g.cs"]);
    }
}
