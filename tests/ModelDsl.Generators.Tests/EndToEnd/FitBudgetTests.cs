using static TorchSharp.torch;

namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>TinyResNet's layers under a MAC budget it exceeds, with a variant fitted to it, and the same fit with int8 weights.</summary>
[Model(InputShape = [3, 16, 16])]
// Over its budget on purpose, with variants that meet it: the build's MDSL2009 says so, which this test needs no reminder of.
#pragma warning disable MDSL2009
[FlopBudget(MaxMMacs = 0.3)]
#pragma warning restore MDSL2009
[Variant("Fit", FitBudget = true)]
[Variant("FitInt8", FitBudget = true, Weights = ModelDsl.Precision.Int8)]
[Variant("Quarter", FitBudget = true, MaxMMacs = 0.15)]
[Variant("Layered", KeepLayers = "down = 0.5")]
[Variant("Rounded", KeepChannels = 0.7, RoundTo = 4)]
public partial class FitNet
{
    /// <summary>Stem.</summary>
    [Conv2d(8, Kernel = 3, Padding = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Stem { get; }

    /// <summary>Blocks.</summary>
    [Stage(typeof(ResBlock), "planes = 8")] public partial Layer Layer1 { get; }

    /// <summary>One strided block, used directly.</summary>
    [Block(typeof(ResBlock), "planes = 16", "stride = 2")] public partial Layer Down { get; }

    /// <summary>Pooling.</summary>
    [AdaptiveAvgPool2d(1), Flatten] public partial Layer Pool { get; }

    /// <summary>Classifier.</summary>
    [Linear(10)] public partial Layer Fc { get; }
}

/// <summary>
/// A variant fitted to the model's budget ([Variant(FitBudget = true)]): per-layer widths chosen at compile time, never
/// over the budget and within one channel of it, built from the dense model by FromDense like any pruned variant.
/// </summary>
public class FitBudgetTests
{
    // By hand, per sample, with a = the stem's and layer1's width (tied by the identity adds) and b = down's:
    // stem 3→a 3×3 at 16²: 256·27a; layer1 two a→a 3×3 at 16²: 2·256·9a²; down a→b 3×3 stride 2 at 8²: 64·9ab, b→b: 64·9b²;
    // the projection a→b 1×1 at 8²: 64ab; fc b→10: 10b.
    private static long Macs(long a, long b) => (6_912 * a) + (4_608 * a * a) + (576 * a * b) + (576 * b * b) + (64 * a * b) + (10 * b);

    [Fact]
    public void TheFittedWidthsMeetTheBudgetAndNoneCanGrowByAChannel()
    {
        const long budget = 300_000;
        Assert.Equal(FitNet.TotalMacs, Macs(8, 16));
        Assert.True(FitNet.TotalMacs > budget);

        using var fitted = new FitNetFit();
        var state = fitted.state_dict();
        var a = state["stem.0.weight"].shape[0];
        var b = state["down.conv1.weight"].shape[0];
        Assert.Equal(a, state["layer1.0.conv1.weight"].shape[0]);
        Assert.Equal(FitNetFit.TotalMacs, Macs(a, b));
        Assert.True(FitNetFit.TotalMacs <= budget, FitNetFit.TotalMacs + " MACs");
        Assert.True(Macs(a + 1, b) > budget && Macs(a, b + 1) > budget, $"a = {a}, b = {b} could keep another channel");
        Assert.Equal(FitNetFit.TotalParameters, fitted.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void AVariantWithItsOwnBudgetFitsThatOneInstead()
    {
        const long budget = 150_000;
        using var fitted = new FitNetQuarter();
        var state = fitted.state_dict();
        var a = state["stem.0.weight"].shape[0];
        var b = state["down.conv1.weight"].shape[0];
        Assert.Equal(FitNetQuarter.TotalMacs, Macs(a, b));
        Assert.True(FitNetQuarter.TotalMacs <= budget, FitNetQuarter.TotalMacs + " MACs");
        Assert.True(Macs(a + 1, b) > budget && Macs(a, b + 1) > budget, $"a = {a}, b = {b} could keep another channel");
        Assert.True(FitNetQuarter.TotalMacs < FitNetFit.TotalMacs);
    }

    [Fact]
    public void FromDenseDropsExactlyTheZeroChannelsOfAFittedWidth()
    {
        using var fitted = new FitNetFit();
        var state = fitted.state_dict();
        var a = (int)state["stem.0.weight"].shape[0];
        var b = (int)state["down.conv1.weight"].shape[0];

        // The groups of TinyResNet (VariantTests), each with all but its fitted width of channels zeroed.
        using var dense = new FitNet();
        ModelDsl.Testing.ZeroChannelGroups.Apply(dense, seed: 3, new (string[], int?)[]
        {
            (["stem.0.", "stem.1.", "layer1.0.conv2.", "layer1.0.bn2."], a),
            (["layer1.0.conv1.", "layer1.0.bn1."], a),
            (["down.conv1.", "down.bn1."], b),
            (["down.conv2.", "down.bn2.", "down.downsample.0.", "down.downsample.1."], b),
        });
        dense.eval();
        using var variant = FitNetFit.FromDense(dense);
        variant.eval();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(4, 3, 16, 16);
        var expected = dense.call(x);
        var actual = variant.call(x);
        Assert.True((expected - actual).abs().max().item<float>() < 1e-5f, "largest difference " + (expected - actual).abs().max().item<float>());
        Assert.True(expected.abs().max().item<float>() > 1e-3f, "the dense output is not trivially zero");
    }

    [Fact]
    public void TheFittedInt8VariantHasTheFittedWidthsAndComputesCloseToTheFloatFit()
    {
        using var fitted = new FitNetFit();
        var a = fitted.state_dict()["stem.0.weight"].shape[0];
        var b = fitted.state_dict()["down.conv1.weight"].shape[0];
        Assert.Equal(FitNetFitInt8.TotalMacs, Macs(a, b));
        Assert.Equal(FitNetFit.TotalParameters, FitNetFitInt8.TotalParameters);

        // Every convolution and the Linear store int8 values and one float32 scale per output channel (no conv biases):
        // the float fit's bytes less 3 per convolution or Linear weight, plus 4 per output channel.
        using var int8 = new FitNetFitInt8();
        var quantised = int8.state_dict().Where(t => t.Value.dtype == ScalarType.Int8).ToList();
        Assert.Equal(7, quantised.Count);   // stem, four layer1 and down convolutions, the projection and fc
        var values = quantised.Sum(t => t.Value.numel());
        var scales = quantised.Sum(t => t.Value.shape[0]);
        Assert.Equal(FitNetFitInt8.WeightBytes, FitNetFit.WeightBytes - (3 * values) + (4 * scales));

        manual_seed(5);
        using var dense = new FitNet();
        dense.eval();
        using var pruned = FitNetFit.FromDense(dense);
        using var composed = FitNetFitInt8.FromDense(dense);
        pruned.eval();
        composed.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(4, 3, 16, 16);
        var expected = pruned.call(x);
        var actual = composed.call(x);
        var error = (expected - actual).abs().max().item<float>();
        Assert.True(error < 0.05f * expected.abs().max().item<float>(), $"int8 error {error} against the float fit's largest output {expected.abs().max().item<float>()}");
        Assert.True(error > 0, "the int8 fit computes exactly the float fit: nothing was quantised");
    }

    [Fact]
    public void PerLayerRatiosAndRoundingGiveTheWidthsByHand()
    {
        // KeepLayers "down = 0.5": the stem and layer1 keep 8, down keeps 16 · 0.5 = 8.
        using var layered = new FitNetLayered();
        var state = layered.state_dict();
        Assert.Equal(8, state["stem.0.weight"].shape[0]);
        Assert.Equal(8, state["layer1.0.conv1.weight"].shape[0]);
        Assert.Equal(8, state["down.conv1.weight"].shape[0]);
        Assert.Equal(FitNetLayered.TotalMacs, Macs(8, 8));
        Assert.Equal(FitNetLayered.TotalParameters, layered.parameters().Sum(p => p.numel()));

        // KeepChannels 0.7 to multiples of 4: 8 · 0.7 = 5.6 → 6 → 1.5 multiples → 8 (the dense width); 16 · 0.7 = 11.2 → 11 → 2.75 → 12.
        using var rounded = new FitNetRounded();
        state = rounded.state_dict();
        Assert.Equal(8, state["stem.0.weight"].shape[0]);
        Assert.Equal(12, state["down.conv1.weight"].shape[0]);
        Assert.Equal(12, state["down.conv2.weight"].shape[0]);
        Assert.Equal(FitNetRounded.TotalMacs, Macs(8, 12));
        Assert.Equal(FitNetRounded.TotalParameters, rounded.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void FromDenseOfAPerLayerVariantDropsExactlyTheZeroChannels()
    {
        using var dense = new FitNet();
        ModelDsl.Testing.ZeroChannelGroups.Apply(dense, seed: 5, new (string[], int?)[]
        {
            (["down.conv1.", "down.bn1."], 8),
            (["down.conv2.", "down.bn2.", "down.downsample.0.", "down.downsample.1."], 8),
        });
        dense.eval();
        using var variant = FitNetLayered.FromDense(dense);
        variant.eval();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(4, 3, 16, 16);
        var expected = dense.call(x);
        var actual = variant.call(x);
        Assert.True((expected - actual).abs().max().item<float>() < 1e-5f, "largest difference " + (expected - actual).abs().max().item<float>());
        Assert.True(expected.abs().max().item<float>() > 1e-3f, "the dense output is not trivially zero");
    }
}
