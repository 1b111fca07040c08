using TorchSharp;

namespace ModelDsl.Generators.Tests;

/// <summary>
/// Activations work in place (torchvision's <c>inplace=True</c>) only where that cannot change what anything else
/// reads: after a convolution, linear or normalisation layer inside a sequence or a block, never on the caller's input
/// or on a tensor a residual keeps for its add.
/// </summary>
public class InPlaceActivationTests
{
    [Fact]
    public void OnlyActivationsOnFreshIntermediatesWorkInPlace()
    {
        var run = GeneratorHarness.Generate("""
            using ModelDsl;
            namespace Demo;
            /// <summary>Pre-activation: the branch starts with a ReLU on the block's input, which the add reads.</summary>
            [Block("width")]
            [Residual]
            public partial class PreAct
            {
                /// <summary>On the kept input: out of place.</summary>
                [ReLU] public partial Layer Act { get; }
                /// <summary>Conv.</summary>
                [Conv2d("width", Kernel = 3, Padding = 1)] public partial Layer Conv { get; }
                /// <summary>After the conv: in place.</summary>
                [ReLU] public partial Layer After { get; }
            }
            /// <summary>M.</summary>
            [Model(InputShape = [8, 8, 8])]
            public partial class M
            {
                /// <summary>The first ReLU reads the caller's input; the second a sigmoid's output, which autograd keeps.</summary>
                [ReLU, Conv2d(8, Kernel = 1), BatchNorm2d, ReLU, Sigmoid, ReLU] public partial Layer Stem { get; }
                /// <summary>Block.</summary>
                [Block(typeof(PreAct), "width = 8")] public partial Layer Body { get; }
            }
            """);
        var model = run.Sources["Demo.M.g.cs"];
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        Assert.Contains("(\"0\", global::TorchSharp.torch.nn.ReLU())", model, StringComparison.Ordinal);
        Assert.Contains("(\"3\", global::TorchSharp.torch.nn.ReLU(inplace: true))", model, StringComparison.Ordinal);
        Assert.Contains("(\"5\", global::TorchSharp.torch.nn.ReLU())", model, StringComparison.Ordinal);
        // The block builds its own layers from its parameters; the model calls that constructor for its use.
        var block = run.Sources["Demo.PreAct.g.cs"];
        Assert.Contains("new global::Demo.PreAct(", model, StringComparison.Ordinal);
        Assert.Contains("act: global::TorchSharp.torch.nn.ReLU(),", block, StringComparison.Ordinal);
        Assert.Contains("after: global::TorchSharp.torch.nn.ReLU(inplace: true)", block, StringComparison.Ordinal);
    }

    [Fact]
    public void AResNetWithInPlaceActivationsLeavesItsInputAloneAndTrains()
    {
        // TinyResNet's ReLUs after batch norms work in place; its forward must still leave the caller's tensor as it
        // was, and backward must run (autograd raises if an in-place op overwrote something it saved).
        using var model = new EndToEnd.TinyResNet();
        model.train();
        using var scope = torch.NewDisposeScope();
        var input = torch.randn(2, 3, 16, 16);
        var copy = input.clone();
        var loss = model.call(input).square().sum();
        loss.backward();

        Assert.Equal(0f, (input - copy).abs().max().item<float>());
        Assert.All(model.parameters(), p => Assert.True(p.grad is not null && p.grad.isfinite().all().item<bool>()));
    }
}
