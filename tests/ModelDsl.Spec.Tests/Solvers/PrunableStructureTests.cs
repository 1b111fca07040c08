using CsCheck;
using ModelDsl.Spec.Tests.Zoo;

namespace ModelDsl.Spec.Tests.Solvers;

/// <summary>
/// The structure a load-time budget fit works on: the widths it may narrow (what KeepLayers can name), their groups,
/// and the cost as a quadratic of the widths, which must be the cost convention's at every width.
/// </summary>
public class PrunableStructureTests
{
    [Fact]
    public void ResNet18NarrowsTheStemWithLayer1AndEachLaterStage()
    {
        var structure = PrunableStructure.Of(ResNets.ResNet18());
        Assert.NotNull(structure);
        // The stem's 64 outputs are identity-added into layer1, so they move with it; layers 2–4 start with projections.
        Assert.Equal(
            new[] { "conv1+layer1:64", "layer2:128", "layer3:256", "layer4:512" },
            structure!.Units.Select(u => string.Join("+", u.Layers) + ":" + u.Width));
        // Per stage: the residual stream and each of its two blocks' inner width (conv1's outputs), one channel per channel.
        Assert.All(structure.Units, u => Assert.Equal(3, u.Groups.Count));
        Assert.All(structure.Units, u => Assert.All(u.Multiples, m => Assert.Equal(1, m)));
        Assert.Equal(12, structure.Groups.Count);
    }

    [Fact]
    public void ResNet50sBottleneckStreamLosesFourChannelsPerPlane()
    {
        var structure = PrunableStructure.Of(ResNets.ResNet50());
        Assert.NotNull(structure);
        // The stem is not tied (layer1 starts with a projection); each stage's planes set conv1 and conv2 of every block
        // (one channel each) and its planes * 4 stream (four).
        Assert.Equal(
            new[] { "conv1:64", "layer1:64", "layer2:128", "layer3:256", "layer4:512" },
            structure!.Units.Select(u => string.Join("+", u.Layers) + ":" + u.Width));
        var layer1 = structure.Units[1];
        Assert.Equal(7, layer1.Groups.Count);   // three blocks' conv1 and conv2, and the stream
        Assert.Equal(new[] { 1, 1, 1, 1, 1, 1, 4 }, layer1.Multiples.OrderBy(m => m));
    }

    [Fact]
    public void AStrideOneProjectionIsGuardedWhereItsChannelsWouldMeet()
    {
        // ResNet-50's layer1.0 projects the stem's 64 channels to planes * 4 = 256 at the same 56×56: with the stem at w0
        // and layer1 at w1 it is another network where w0 = 4·w1 (the projection would not be inferred). Stages 2–4 stride.
        var spec = ResNets.ResNet50();
        var structure = PrunableStructure.Of(spec)!;
        var guard = Assert.Single(structure.Guards);
        Assert.Equal("layer1.0", guard.Path);
        Assert.Equal((64L, 256L), (guard.Input, guard.Output));
        Assert.Equal(new long[] { 1, 0, 0, 0, 0 }, guard.InputLoss);
        Assert.Equal(new long[] { 0, 4, 0, 0, 0 }, guard.OutputLoss);
        Assert.False(structure.Allows([8, 2, 128, 256, 512]));
        Assert.NotNull(LayerWidths.NotTheSameNetwork(spec, structure.SiteWidths(spec, [8, 2, 128, 256, 512])));
        Assert.True(structure.Allows([8, 3, 128, 256, 512]));
        Assert.Null(LayerWidths.NotTheSameNetwork(spec, structure.SiteWidths(spec, [8, 3, 128, 256, 512])));
        Assert.Empty(PrunableStructure.Of(ResNets.ResNet18())!.Guards);
    }

    [Fact]
    public void TheQuadraticIsTheCostOfEveryWidth()
    {
        // ResNet-18 and -50 on 32×32 images (the probes are cheaper), random widths per unit.
        foreach (var spec in new[] { ResNets.ResNet18(), ResNets.ResNet50() }.Select(s => s with { Input = InputSpec.Image(3, 32, 32) }))
        {
            var structure = PrunableStructure.Of(spec)!;
            Gen.Double[0.0, 1.0].Array[structure.Units.Count].Sample(fractions =>
            {
                var widths = structure.Units.Select((u, i) => 1 + (long)(fractions[i] * (u.Width - 1))).ToArray();
                // The guards say exactly where the widths make another network (a projection no longer needed).
                var sameNetwork = LayerWidths.NotTheSameNetwork(spec, structure.SiteWidths(spec, widths)) is null;
                Assert.Equal(sameNetwork, structure.Allows(widths));
                if (!sameNetwork)
                {
                    return;
                }

                var removed = structure.Units.Select((u, i) => u.Width - widths[i]).ToArray();
                var cost = Cost.Of(WidthScaling.Apply(spec, structure.SiteWidths(spec, widths))).Total;
                Assert.Equal(cost.Macs, structure.Macs.Of(removed));
                Assert.Equal(cost.Flops, structure.Flops.Of(removed));
                Assert.Equal(cost.Parameters, structure.Parameters.Of(removed));
            }, iter: 100);
        }
    }
}
