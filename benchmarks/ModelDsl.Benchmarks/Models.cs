using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl.Benchmarks;

/// <summary>Case "linear_relu", declared with the DSL: Linear(64, 64) → ReLU.</summary>
[Model(InputShape = [64])]
public partial class GeneratedLinearRelu
{
    /// <summary>The one layer and its activation.</summary>
    [Linear(64), ReLU] public partial Layer Block { get; }
}

/// <summary>Case "mlp4", declared with the DSL: 64→256→256→256→10 with ReLU.</summary>
[Model(InputShape = [64])]
public partial class GeneratedMlp4
{
    /// <summary>First hidden layer.</summary>
    [Linear(256), ReLU] public partial Layer L1 { get; }

    /// <summary>Second hidden layer.</summary>
    [Linear(256), ReLU] public partial Layer L2 { get; }

    /// <summary>Third hidden layer.</summary>
    [Linear(256), ReLU] public partial Layer L3 { get; }

    /// <summary>Classifier.</summary>
    [Linear(10)] public partial Layer Out { get; }
}

/// <summary>
/// The same MLP written by hand the lean TorchSharp way: Linear fields, registered components, a forward that calls
/// <c>forward</c> directly and frees each intermediate with <c>using</c>. The yardstick for generated code.
/// </summary>
public sealed class HandMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear[] layers;

    /// <summary>Linear layers of the given widths (in, hidden…, out), ReLU between them.</summary>
    public HandMlp(params int[] widths)
        : base(nameof(HandMlp))
    {
        layers = new Linear[widths.Length - 1];
        for (var i = 0; i < layers.Length; i++)
        {
            layers[i] = nn.Linear(widths[i], widths[i + 1]);
            register_module("fc" + i, layers[i]);
        }
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var x = input;
        for (var i = 0; i < layers.Length - 1; i++)
        {
            using var h = layers[i].forward(x);
            var a = nn.functional.relu(h);
            if (!ReferenceEquals(x, input))
            {
                x.Dispose();
            }
            x = a;
        }
        var y = layers[^1].forward(x);
        if (!ReferenceEquals(x, input))
        {
            x.Dispose();
        }
        return y;
    }
}

/// <summary>
/// The benchmarked models, built exactly like benchmarks/overhead.py builds them: seed, construct (PyTorch's init draw
/// order: each Linear's weight, then its bias), then draw the input — so every implementation holds the same weights
/// and the same input.
/// </summary>
internal static class Models
{
    /// <summary>Seed used before building each model.</summary>
    public const long Seed = 0;

    /// <summary>The three implementations of one case (generated, hand-written module, hand-written Sequential) and its input.</summary>
    public sealed record Implementations(nn.Module<Tensor, Tensor> Generated, nn.Module<Tensor, Tensor> Hand, nn.Module<Tensor, Tensor> Sequential, Tensor Input);

    /// <summary>Case "linear_relu": Linear(64, 64) → ReLU, input [1, 64]. (The hand-written module ends on a Linear, so its linear_relu is the Sequential.)</summary>
    public static Implementations LinearRelu() => Build(
        () => new GeneratedLinearRelu(),
        () => nn.Sequential(nn.Linear(64, 64), nn.ReLU()),
        () => nn.Sequential(nn.Linear(64, 64), nn.ReLU()));

    /// <summary>Case "mlp4": 64→256→256→256→10, ReLU between, input [1, 64].</summary>
    public static Implementations Mlp4() => Build(
        () => new GeneratedMlp4(),
        () => new HandMlp(64, 256, 256, 256, 10),
        () => nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)));

    private static Implementations Build(Func<nn.Module<Tensor, Tensor>> generated, Func<nn.Module<Tensor, Tensor>> hand, Func<nn.Module<Tensor, Tensor>> sequential)
    {
        nn.Module<Tensor, Tensor> Seeded(Func<nn.Module<Tensor, Tensor>> make)
        {
            torch.manual_seed(Seed);
            var model = make();
            model.eval();
            return model;
        }
        var g = Seeded(generated);
        var h = Seeded(hand);
        var s = Seeded(sequential);
        // Drawn right after a seeded construction, as overhead.py draws it.
        var input = torch.randn(1, 64).DetachFromDisposeScope();
        return new Implementations(g, h, s, input);
    }

    /// <summary>Sum of the model's output on its input, to show every side computes the same thing.</summary>
    public static double Checksum(nn.Module<Tensor, Tensor> model, Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return model.call(input).sum().item<float>();
    }
}
