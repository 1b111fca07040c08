namespace ModelDsl.Generators.Tests;

/// <summary>
/// Which convolution–batch-norm pairs a generated block declares for folding: adjacent members, except where a residual
/// starts, ends or re-reads its input between them — there another tensor reads the convolution's output (the shortcut
/// keeps it) or the norm reads something else, and folding would change what the forward computes.
/// </summary>
public class BatchNormPairsTests
{
    [Fact]
    public void AResidualStartingAtTheNormKeepsThePairUnfolded()
    {
        var run = GeneratorHarness.Generate("""
            using ModelDsl;
            namespace Demo;

            // The residual's shortcut is conv A's output (its branch starts at B), so B cannot be folded into A; C and D
            // run straight one into the other inside the branch.
            [Block("width")]
            [Residual(From = nameof(B), Through = nameof(D))]
            public partial class Split
            {
                [Conv2d("width", Kernel = 3, Padding = 1)] public partial Layer A { get; }
                [BatchNorm2d] public partial Layer B { get; }
                [Conv2d("width", Kernel = 1)] public partial Layer C { get; }
                [BatchNorm2d] public partial Layer D { get; }
            }

            [Model(InputShape = [4, 8, 8])]
            public partial class Net
            {
                [Block(typeof(Split), "width = 4")] public partial Layer Body { get; }
            }
            """);

        var block = run.Sources["Demo.Split.g.cs"];
        Assert.Contains("global::ModelDsl.IBatchNormPairs", block, StringComparison.Ordinal);
        Assert.Contains("if (C is global::TorchSharp.Modules.Conv2d or global::ModelDsl.Int8Conv2d && D is global::TorchSharp.Modules.BatchNorm2d dNorm)", block, StringComparison.Ordinal);
        Assert.DoesNotContain("if (A is", block, StringComparison.Ordinal);
    }

    [Fact]
    public void ANormRunningStraightIntoAReLUOrReLU6DeclaresItsActivation()
    {
        var run = GeneratorHarness.Generate("""
            using ModelDsl;
            namespace Demo;

            [Model(InputShape = [3, 16, 16])]
            public partial class Net
            {
                [Conv2d(8, Kernel = 3, Padding = 1, Bias = false)] public partial Layer A { get; }
                [BatchNorm2d] public partial Layer AN { get; }
                [ReLU] public partial Layer AAct { get; }
                [Conv2d(8, Kernel = 3, Padding = 1, Bias = false)] public partial Layer B { get; }
                [BatchNorm2d] public partial Layer BN { get; }
                [ReLU6] public partial Layer BAct { get; }
                [Conv2d(8, Kernel = 3, Padding = 1, Bias = false)] public partial Layer C { get; }
                [BatchNorm2d] public partial Layer CN { get; }
                [GELU] public partial Layer CAct { get; }
            }
            """);

        var model = run.Sources["Demo.Net.g.cs"];
        Assert.Contains("global::ModelDsl.IBatchNormPairs.NormActivations()", model, StringComparison.Ordinal);
        Assert.Contains("yield return (aNNorm, AAct);", model, StringComparison.Ordinal);
        Assert.Contains("yield return (bNNorm, BAct);", model, StringComparison.Ordinal);
        // GELU is not an activation a convolution kernel applies here: C's pair folds, its activation runs itself.
        Assert.Contains("yield return (C, cNNorm);", model, StringComparison.Ordinal);
        Assert.DoesNotContain("yield return (cNNorm,", model, StringComparison.Ordinal);
    }

    [Fact]
    public void AResidualEndingBetweenTheNormAndTheReLUKeepsTheActivationApart()
    {
        var run = GeneratorHarness.Generate("""
            using ModelDsl;
            namespace Demo;

            // The residual adds its shortcut to D's output before Out: Out reads the sum, not the norm's output.
            [Block("width")]
            [Residual(Through = nameof(D))]
            public partial class Unit
            {
                [Conv2d("width", Kernel = 3, Padding = 1, Bias = false)] public partial Layer A { get; }
                [BatchNorm2d] public partial Layer B { get; }
                [ReLU] public partial Layer Mid { get; }
                [Conv2d("width", Kernel = 3, Padding = 1, Bias = false)] public partial Layer C { get; }
                [BatchNorm2d] public partial Layer D { get; }
                [ReLU] public partial Layer Out { get; }
            }

            [Model(InputShape = [4, 8, 8])]
            public partial class Net
            {
                [Block(typeof(Unit), "width = 4")] public partial Layer Body { get; }
            }
            """);

        var block = run.Sources["Demo.Unit.g.cs"];
        Assert.Contains("yield return (bNorm, Mid);", block, StringComparison.Ordinal);
        Assert.Contains("yield return (C, dNorm);", block, StringComparison.Ordinal);
        Assert.DoesNotContain("yield return (dNorm,", block, StringComparison.Ordinal);
    }
}
