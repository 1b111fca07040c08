using ModelDsl.Zoo.ResNets;
using static TorchSharp.torch;

namespace ModelDsl.Zoo.Tests;

/// <summary>ResNet50's load-time budget fit: bottleneck streams of four channels a plane, and layer1's stride-1 projection.</summary>
public class ResNet50BudgetPlanTests
{
    [Fact]
    public void TheRunTimeCostIsTorchvisionsAtFullWidthAndAPlanIsNeverOverNorAnotherNetwork()
    {
        var structure = ResNet50.PrunableStructure;
        Assert.Equal(new[] { "conv1", "layer1", "layer2", "layer3", "layer4" }, structure.Widths.Select(w => string.Join("+", w.Layers)));
        // torchvision's published resnet50: 4.089 GMACs ("GFLOPS"), 25,557,032 parameters.
        var full = structure.Cost([64, 64, 128, 256, 512]);
        Assert.Equal((4_089_184_256L, 25_557_032L), (full.Macs, full.Parameters));
        // layer1.0 projects the stem's channels to 4 × layer1's at the same resolution.
        Assert.Equal("layer1.0", Assert.Single(structure.Guards).Path);

        manual_seed(2);
        using var dense = new ResNet50();
        foreach (var mflops in new[] { 7000.0, 4000, 1500 })
        {
            var plan = dense.PlanBudget(maxMFlops: mflops, minKeep: 0.1, roundTo: 8);
            Assert.True(plan.Cost.Flops / 1e6 <= mflops, plan.Cost.Flops + " FLOPs");
            Assert.True(structure.Allows(plan.Widths.ToArray()));
            Assert.All(plan.Widths, w => Assert.Equal(0, w % 8));
            // Each plane of a stage's width keeps four channels of its stream.
            var stream = plan.Kept[structure.Widths[1].Groups[structure.Widths[1].Multiples.ToList().IndexOf(4)]];
            Assert.Equal(4 * plan.Widths[1], stream.Length);
        }
    }
}
