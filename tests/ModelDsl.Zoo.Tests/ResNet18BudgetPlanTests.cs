using ModelDsl.Zoo.ResNets;
using static TorchSharp.torch;

namespace ModelDsl.Zoo.Tests;

/// <summary>ResNet18's load-time budget fit (PlanBudget) against torchvision's figure and the generated ResNet18Half.</summary>
public class ResNet18BudgetPlanTests
{
    [Fact]
    public void TheRunTimeCostIsTorchvisionsAtFullWidthAndTheHalfVariantsConstantsAtHalf()
    {
        var structure = ResNet18.PrunableStructure;
        Assert.Equal(new[] { "conv1+layer1", "layer2", "layer3", "layer4" }, structure.Widths.Select(w => string.Join("+", w.Layers)));

        // torchvision's published resnet18 MACs and parameters (the "GFLOPS" column: 1.814 G; 11,689,512).
        var full = structure.Cost([64, 128, 256, 512]);
        Assert.Equal(1_814_073_344, full.Macs);
        Assert.Equal(11_689_512, full.Parameters);
        Assert.Equal(ResNet18.TotalFlops, full.Flops);

        var half = structure.Cost([32, 64, 128, 256]);
        Assert.Equal((ResNet18Half.TotalMacs, ResNet18Half.TotalFlops, ResNet18Half.TotalParameters), (half.Macs, half.Flops, half.Parameters));
    }

    [Fact]
    public void AtTheHalfVariantsBudgetTheRankingRemovesExactlyTheZeroedHalfOfEveryGroup()
    {
        using var dense = new ResNet18();
        ZeroHalfOfEveryGroup(dense);
        var plan = dense.PlanBudget(maxMMacs: ResNet18Half.TotalMacs / 1e6);

        Assert.Equal(new[] { 32, 64, 128, 256 }, plan.Widths);
        Assert.Equal(ResNet18Half.TotalMacs, plan.Cost.Macs);
        Assert.Equal("conv1 = 0.5, layer1 = 0.5, layer2 = 0.5, layer3 = 0.5, layer4 = 0.5", plan.KeepLayers);

        // The masked copy and the generated half-width class built by FromDense both compute the dense output.
        dense.eval();
        using var masked = new ResNet18();
        masked.load_state_dict(dense.state_dict());
        masked.eval();
        using var mask = plan.Apply(masked);
        using var variant = ResNet18Half.FromDense(dense);
        variant.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        manual_seed(3);
        var x = randn(1, 3, 224, 224);
        var expected = dense.call(x);
        var scale = expected.abs().max().item<float>();
        Assert.True(scale > 1e-3f, "the dense output is not trivially zero");
        foreach (var actual in new[] { masked.call(x), variant.call(x) })
        {
            var difference = (expected - actual).abs().max().item<float>();
            Assert.True(difference <= (1e-5f * Math.Max(1f, scale)) + 1e-5f, "largest difference " + difference);
        }
    }

    [Fact]
    public void UnderAGigaFlopThePlanIsNeverOverAndWithinOneStep()
    {
        manual_seed(9);
        using var dense = new ResNet18();
        var plan = dense.PlanBudget(maxMFlops: 1000);
        Assert.True(plan.Cost.Flops <= 1_000_000_000L, plan.Cost.Flops + " FLOPs");

        var before = plan.Widths.ToArray();
        before[plan.Steps[^1]]++;
        Assert.True(ResNet18.PrunableStructure.Cost(before).Flops > 1_000_000_000L, "the last step was not needed");
    }

    private static void ZeroHalfOfEveryGroup(ResNet18 dense)
    {
        // torchvision's coupling by hand (ZeroChannelGroups.ResNet18), a random half of each group zeroed.
        ModelDsl.Testing.ZeroChannelGroups.Apply(dense, seed: 17, ModelDsl.Testing.ZeroChannelGroups.ResNet18());
    }
}
