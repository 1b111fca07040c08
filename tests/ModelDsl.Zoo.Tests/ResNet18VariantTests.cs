using ModelDsl.Zoo.ResNets;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Zoo.Tests;

/// <summary>ResNet18's generated half-width variant, built from the dense model by FromDense.</summary>
public class ResNet18VariantTests
{
    [Fact]
    public void TheHalfVariantsConstantsAreTheBuiltModules()
    {
        using var half = new ResNet18Half();
        Assert.Equal(ResNet18Half.TotalParameters, half.parameters().Sum(p => p.numel()));
        Assert.Equal(1000, ResNet18Half.OutputShape[0]);

        // Every width halves but the 1000 classes: the stem's 64 → 32 …, layer4's 512 → 256.
        var state = half.state_dict();
        Assert.Equal(new long[] { 32, 3, 7, 7 }, state["conv1.weight"].shape);
        Assert.Equal(new long[] { 256, 128, 1, 1 }, state["layer4.0.downsample.0.weight"].shape);
        Assert.Equal(new long[] { 1000, 256 }, state["fc.weight"].shape);
    }

    [Fact]
    public void PruningZeroChannelsReproducesTheDenseResNet18()
    {
        using var dense = new ResNet18();
        ZeroHalfOfEveryGroup(dense);
        dense.eval();
        using var half = ResNet18Half.FromDense(dense);
        AssertSameOutput(dense, half);
    }

    [Fact]
    public void TaylorRankingAfterABackwardPassDropsTheZeroChannels()
    {
        // A zero channel has w = 0, so |w·∂L/∂w| = 0 whatever its gradient; the live channels' scores are positive. So a
        // FromDense ranked by Taylor after one calibration backward drops exactly the zeroed half and reproduces dense.
        using var dense = new ResNet18();
        ZeroHalfOfEveryGroup(dense);
        dense.eval();
        manual_seed(5);
        using (var calibration = randn(2, 3, 224, 224))
        using (var logits = dense.call(calibration))
        using (var loss = nn.functional.cross_entropy(logits, tensor(new long[] { 1, 7 })))
        {
            loss.backward();
        }

        using var half = ResNet18Half.FromDense(dense, PruningCriterion.Taylor);
        AssertSameOutput(dense, half);
    }

    private static void ZeroHalfOfEveryGroup(ResNet18 dense)
    {
        // torchvision's coupling, by hand (ZeroChannelGroups.ResNet18). Each group gets its own random half of zero
        // channels, so a FromDense that drops exactly those reproduces the dense network — which takes the right groups
        // and the right input cut of every layer.
        ModelDsl.Testing.ZeroChannelGroups.Apply(dense, seed: 7, ModelDsl.Testing.ZeroChannelGroups.ResNet18());
    }

    private static void AssertSameOutput(ResNet18 dense, ResNet18Half half)
    {
        half.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        manual_seed(3);
        var x = randn(1, 3, 224, 224);
        var expected = dense.call(x);
        var difference = (expected - half.call(x)).abs().max().item<float>();
        var scale = expected.abs().max().item<float>();
        Console.WriteLine($"ResNet18Half from a zero-channel ResNet18: largest logit difference {difference:E2}, largest logit {scale:E2}");
        Assert.True(scale > 1e-3f, "the dense output is not trivially zero");
        Assert.True(difference <= 1e-5f * Math.Max(1f, scale) + 1e-5f, "largest difference " + difference);
    }
}
