using static ModelDsl.Spec.LayerKind;

namespace ModelDsl.Spec.Tests;

/// <summary>The sparse variants' compile-time rewrite: which layers, their non-zeros, bytes and effective MACs.</summary>
public class SparseFormatTests
{
    // 100 → 40 → 8 on vectors, and a token model (T = 6) whose Linears use each weight 6 times per sample.
    private static readonly ModelSpec Mlp = new("M", InputSpec.Vector(100), new[] { new LayerSpec("fc", Linear, ("out", 40)), new LayerSpec("act", ReLU), new LayerSpec("head", Linear, ("out", 8)) });

    [Fact]
    public void LayerWisePruningKeepsWeightsMinusTheRoundedFractionInEveryLayer()
    {
        var rewrite = VariantRewrite.Of(Mlp, new VariantSpec("P", Prune: 0.75))!;
        // fc 4,000 weights: round(3,000) pruned → 1,000; head 320: round(240) → 80.
        Assert.Equal(new[] { ("fc", 1_000L), ("head", 80L) }, rewrite.Sparse!.Layers.Select(l => (l.Path, l.Kept)));
        Assert.Equal(1_080, rewrite.Cost.Total.Macs);
        // FLOPs: 2 per MAC fewer; bias adds and ReLUs unchanged (40 + 40 + 8).
        Assert.Equal((2 * 1_080) + 88, rewrite.Cost.Total.Flops);
        Assert.Equal(Cost.Of(Shapes.Infer(Mlp)).Total.WeightBytes, rewrite.Cost.Total.WeightBytes);
    }

    [Fact]
    public void GlobalPruningKeepsTheExactTotalAndEveryLayersMinimum()
    {
        // 4,320 weights, round(0.9 · 4,320) = 3,888 pruned; MinKeep 0.05 caps fc at 4,000 − 200 and head at 320 − 16 pruned.
        var rewrite = VariantRewrite.Of(Mlp, new VariantSpec("G", Prune: 0.9, GlobalRanking: true, MinKeep: 0.05))!;
        var kept = rewrite.Sparse!.Layers.Select(l => l.Kept).ToArray();
        Assert.Equal(4_320 - 3_888, kept.Sum());
        Assert.True(kept[1] >= 16);
        Assert.Equal((3_888L, 3_800L + 304L), SparseFormat.GlobalLimit(rewrite.Shapes, 0.9, 0.05));
        // MinKeep 0.2 allows 3,200 + 256 = 3,456 pruned only: no class (MDSL3014 reports it).
        Assert.Equal((3_888L, 3_456L), SparseFormat.GlobalLimit(rewrite.Shapes, 0.9, 0.2));
        Assert.Null(VariantRewrite.Of(Mlp, new VariantSpec("G", Prune: 0.9, GlobalRanking: true, MinKeep: 0.2)));
    }

    [Fact]
    public void NMCountsKeptWeightsPerTokenAndStoresValuesWithPackedPositions()
    {
        var tokens = new ModelSpec("T", InputSpec.Sequence(6, 32), new[] { new LayerSpec("up", Linear, ("out", 64)), new LayerSpec("down", Linear, ("out", 32), ("bias", false)) });
        var rewrite = VariantRewrite.Of(tokens, new VariantSpec("S", Sparsity: "2:4"))!;
        // "up" reads the input and stays dense: 6 · 32 · 64 MACs. "down" 64 → 32 keeps 32 of 64 per output, at 6 tokens.
        Assert.Equal(new[] { "down" }, rewrite.Sparse!.Layers.Select(l => l.Path));
        Assert.Equal((6 * 32 * 64) + (6 * 32 * 32), rewrite.Cost.Total.Macs);
        // down: 32 · 32 · 4 value bytes + 32 · ⌈32 / 4⌉ index bytes, no bias; up: (2,048 + 64) · 4.
        Assert.Equal((32 * 32 * 4) + (32 * 8) + (2_112 * 4), rewrite.Cost.Total.WeightBytes);
        Assert.Equal(3, Sparsity.IndexBits(5));
        Assert.Equal(2, Sparsity.IndexesPerByte(8));
    }

    [Fact]
    public void NMCombinedWithAnotherCompressionOrOnAConv1dIsNotAClass()
    {
        Assert.Null(VariantRewrite.Of(Mlp, new VariantSpec("S", KeepRatio: 0.5, Sparsity: "2:4")));
        Assert.NotNull(VariantRewrite.NotGenerated(new VariantSpec("S", Sparsity: "2:4", Prune: 0.5)));
        Assert.Null(VariantRewrite.Of(Mlp, new VariantSpec("S", Sparsity: "2:400")));
    }
}
