using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>
/// Structured-pruning variants ([Variant("Half", KeepChannels = 0.5)]): an ordinary class of its own size whose
/// compile-time cost is the built module's, built from a trained dense model by FromDense along the dependency groups.
/// </summary>
public class VariantTests
{
    [Fact]
    public void TheVariantIsAModelOfItsOwnSizeWithItsOwnConstants()
    {
        using var variant = new TinyResNetHalf();
        Assert.Equal(TinyResNetHalf.TotalParameters, variant.parameters().Sum(p => p.numel()));

        // By hand, half of TinyResNet's widths (8 → 4, 16 → 8), 16x16 input, per sample:
        // stem 3→4 3x3 at 16² = 27,648; layer1.0 conv1, conv2 4→4 3x3 at 16² = 36,864 each;
        // down conv1 4→8 3x3 stride 2 at 8² = 18,432; conv2 8→8 3x3 at 8² = 36,864; projection 4→8 1x1 at 8² = 2,048;
        // fc 8→10 = 80.
        Assert.Equal(27_648 + (2 * 36_864) + 18_432 + 36_864 + 2_048 + 80, TinyResNetHalf.TotalMacs);
        Assert.True(TinyResNetHalf.TotalMacs < TinyResNet.TotalMacs / 3);
        Assert.Equal(new long[] { 2, 10 }, variant.call(randn(2, 3, 16, 16)).shape);
    }

    [Fact]
    public void PruningZeroChannelsReproducesTheDenseResNet()
    {
        // The dependency groups of TinyResNet, by hand (torchvision's coupling): the stem and layer1.0's output are one
        // group (identity add); down's branch output and its projection are one (projection add); each block's inner
        // conv is its own. Each group gets its own random half of zero channels (weights, norm scale and shift): those
        // carry nothing, so a variant that drops exactly them — which needs the right groups and the right input cut of
        // every next layer — must give the dense output.
        using var dense = new TinyResNet();
        string[][] groups =
        [
            ["stem.0.", "stem.1.", "layer1.0.conv2.", "layer1.0.bn2."],
            ["layer1.0.conv1.", "layer1.0.bn1."],
            ["down.conv1.", "down.bn1."],
            ["down.conv2.", "down.bn2.", "down.downsample.0.", "down.downsample.1."],
        ];
        ModelDsl.Testing.ZeroChannelGroups.Apply(dense, seed: 1, groups);
        dense.eval();
        using var variant = TinyResNetHalf.FromDense(dense);
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
    public void PruningZeroChannelsReproducesTheDenseMobileNetThroughDepthwiseChains()
    {
        // By hand: the two projections are one group (the second block adds its input, the first block's output); the
        // second block's expansion and its depthwise conv are one (a depthwise conv keeps its channels). The first
        // block's expansion reads the model's 8 input channels times 2 in both models, so it keeps all 16.
        using var dense = new TinyMobileNet();
        string[][] groups = [["features.0.project.", "features.1.project."], ["features.1.expand.", "features.1.depthwise."]];
        ModelDsl.Testing.ZeroChannelGroups.Apply(dense, seed: 2, groups);
        dense.eval();
        using var variant = TinyMobileNetHalf.FromDense(dense, PruningCriterion.BatchNormScale);
        variant.eval();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(4, 8, 16, 16);
        var difference = (dense.call(x) - variant.call(x)).abs().max().item<float>();
        Assert.True(difference < 1e-5f, "largest difference " + difference);
    }

    [Fact]
    public void AVariantSavedToSafeTensorsLoadsIntoAFreshInstanceWithIdenticalOutputs()
    {
        using var dense = new TinyResNet();
        using var variant = TinyResNetHalf.FromDense(dense, PruningCriterion.L2);
        variant.eval();
        var path = Path.Combine(Path.GetTempPath(), "modeldsl-variant-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            variant.SaveSafeTensors(path);
            using var loaded = new TinyResNetHalf();
            loaded.LoadSafeTensors(path);
            loaded.eval();

            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = randn(2, 3, 16, 16);
            Assert.Equal(0f, (variant.call(x) - loaded.call(x)).abs().max().item<float>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromDenseLeavesTheDenseModelAlone()
    {
        using var dense = new TinyResNet();
        var before = dense.state_dict().ToDictionary(e => e.Key, e => e.Value.clone());
        using var variant = TinyResNetHalf.FromDense(dense);
        foreach (var (name, tensor) in dense.state_dict())
        {
            Assert.True((tensor.to_type(ScalarType.Float64) - before[name].to_type(ScalarType.Float64)).abs().max().item<double>() == 0, name + " changed");
        }
    }
}
