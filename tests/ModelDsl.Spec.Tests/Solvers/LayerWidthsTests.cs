using ModelDsl.Spec.Tests.Zoo;

namespace ModelDsl.Spec.Tests.Solvers;

/// <summary>Per-layer keep ratios (KeepLayers) and widths rounded to a multiple (RoundTo).</summary>
public class LayerWidthsTests
{
    [Theory]
    [InlineData(64, 0.5, 8, 32)]     // 32 is a multiple already
    [InlineData(64, 0.65, 8, 40)]    // 41.6 → 42 → 5.25 multiples → 40
    [InlineData(100, 0.9, 8, 88)]    // 90 → 11.25 → 88
    [InlineData(12, 0.5, 8, 8)]      // 6 → 0.75 → one multiple
    [InlineData(4, 0.5, 8, 4)]       // at least one multiple, but never above the dense width: 4 stays
    [InlineData(64, 1.0, 8, 64)]     // not pruned: not rounded
    [InlineData(20, 1.0, 8, 20)]
    [InlineData(64, 0.65, 0, 42)]    // no multiple: the nearest channel
    public void RoundingByHand(long width, double keep, int multiple, long expected) =>
        Assert.Equal(expected, LayerWidths.Round(width, keep, multiple));

    [Theory]
    [InlineData("layer3 = 0.5, layer4", "'layer4' is not")]
    [InlineData("layer3 = half", "'layer3 = half' is not")]
    [InlineData("layer3 = 0", "the ratio of 'layer3' is 0, not in (0, 1]")]
    [InlineData("layer3 = 1.5", "not in (0, 1]")]
    [InlineData("layer3 = 0.5, layer3 = 0.25", "'layer3' is given twice")]
    [InlineData("= 0.5", "'= 0.5' is not")]
    public void MalformedRatiosSayWhy(string text, string why)
    {
        var problem = LayerWidths.Parse(text, out _);
        Assert.NotNull(problem);
        Assert.Contains(why, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ResNet18WithItsLastStagesNarrowed()
    {
        var spec = ResNets.ResNet18();
        var sites = WidthScaling.Sites(spec);
        var variant = new VariantSpec("Tail", KeepLayers: "layer3 = 0.5, layer4 = 0.25");
        var widths = LayerWidths.Of(spec, variant)!;
        for (var i = 0; i < sites.Count; i++)
        {
            var expected = sites[i].Layer switch
            {
                "layer3" => 128,   // 256 · 0.5
                "layer4" => 128,   // 512 · 0.25
                _ => sites[i].Width,
            };
            Assert.Equal(expected, widths[i]);
        }

        Assert.Null(LayerWidths.NotTheSameNetwork(spec, widths));
        var rewrite = VariantRewrite.Of(spec, variant)!;
        Assert.True(rewrite.Prunes);
        Assert.Equal(Cost.Of(WidthScaling.Apply(spec, widths)).Total, rewrite.Cost.Total);
        Assert.True(rewrite.Cost.Total.Macs < Cost.Of(spec).Total.Macs);
    }

    [Fact]
    public void ALayerTiedByIdentityAddsCannotBeNarrowedAlone()
    {
        // layer1's blocks add their input (the stem's 64 channels) to their output (layer1's width) with no projection.
        var spec = ResNets.ResNet18();
        var widths = LayerWidths.Of(spec, new VariantSpec("Bad", KeepLayers: "layer1 = 0.5"))!;
        Assert.Contains("identity add", LayerWidths.NotTheSameNetwork(spec, widths), StringComparison.Ordinal);
        Assert.Null(VariantRewrite.Of(spec, new VariantSpec("Bad", KeepLayers: "layer1 = 0.5")));
    }

    [Fact]
    public void UnknownNamesListThePrunableOnes()
    {
        var spec = ResNets.ResNet18();
        var unknown = LayerWidths.UnknownLayers(spec, new VariantSpec("Typo", KeepLayers: "layer5 = 0.5"));
        Assert.StartsWith("'layer5' is not a prunable layer of the model; the prunable ones are ", unknown, StringComparison.Ordinal);
        Assert.Contains("layer4", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public void UniformKeepWithRoundingMatchesTheRoundedWidths()
    {
        var spec = ResNets.ResNet18();
        var widths = LayerWidths.Of(spec, new VariantSpec("R", KeepRatio: 0.3, RoundTo: 16))!;
        var sites = WidthScaling.Sites(spec);
        for (var i = 0; i < sites.Count; i++)
        {
            Assert.Equal(0, widths[i] % 16);
            Assert.Equal(LayerWidths.Round(sites[i].Width, 0.3, 16), widths[i]);
        }

        // 64 · 0.3 = 19.2 → 19 → 1.19 multiples → 16; 512 · 0.3 = 153.6 → 154 → 9.6 → 160.
        Assert.Contains(16L, widths);
        Assert.Contains(160L, widths);
    }
}
