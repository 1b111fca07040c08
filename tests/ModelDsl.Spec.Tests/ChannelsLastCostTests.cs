using static ModelDsl.Spec.LayerKind;

namespace ModelDsl.Spec.Tests;

// Swin's channels-last layers and the channel shuffle, one layer each; every expected number is derived by hand next to it.
public class ChannelsLastCostTests
{
    [Fact]
    public void WindowAttentionIsCostedOverTheMapPaddedToWholeWindows()
    {
        // [H, W, C] = [10, 6, 16], 2 heads, windows of 4, shift 2.
        var (shape, cost) = OneLayer.Run(InputSpec.Image(10, 6, 16), new LayerSpec("attn", ShiftedWindowAttentionV2, ("heads", 2), ("window", 4), ("shift", 2)));
        Assert.Equal(Shape.Of(10, 6, 16), shape.Output);

        // Padded to 12 x 8 = 96 tokens. qkv 96·16·48 = 73,728; proj 96·16·16 = 24,576; QKᵀ and AV 2·96·16·16 = 49,152;
        // cpb_mlp once: (2·4 − 1)² = 49 positions · (2·512 + 512·2) = 100,352. Total 247,808.
        Assert.Equal(247_808, cost.Macs);

        // Shifted (4 < 12): biases 4·96·16 = 6,144; normalise q, k 6·96·16 = 9,216; (7 + 1)·2 heads·96·16 = 24,576;
        // cpb 49·(1,024 + 5·2) = 50,666. Total 90,602.
        Assert.Equal(90_602, cost.ElementwiseFlops);

        // logit_scale 2 + qkv 16·48 + 48 + proj 16·16 + 16 + cpb_mlp 2·512 + 512 + 512·2 = 3,650 (the tables are buffers).
        Assert.Equal(3_650, cost.Parameters);
    }

    [Fact]
    public void AWindowThatCoversTheMapIsNotShifted()
    {
        // [7, 7, 16] padded to one 8 x 8 window: no shift, so no mask add: (7 + 0)·4 heads·64·64 attention elements.
        var (_, cost) = OneLayer.Run(InputSpec.Image(7, 7, 16), new LayerSpec("attn", ShiftedWindowAttentionV2, ("heads", 4), ("window", 8), ("shift", 4)));

        // 10·64·16 = 10,240; 7·4·64·64 = 114,688; (2·8 − 1)² = 225 · (1,024 + 20) = 234,900. Total 359,828.
        Assert.Equal(359_828, cost.ElementwiseFlops);
    }

    [Fact]
    public void PatchMergingHalvesTheMapAndDoublesTheChannels()
    {
        // [5, 7, 8] → padded 6 x 8 → [3, 4, 16]; the reduction reads 4·8 = 32 per output: 192 · 32 = 6,144 MACs.
        var (shape, cost) = OneLayer.Run(InputSpec.Image(5, 7, 8), new LayerSpec("merge", PatchMerging));
        Assert.Equal(Shape.Of(3, 4, 16), shape.Output);
        Assert.Equal(6_144, cost.Macs);

        // LayerNorm over 2C after it: 7 · 192 = 1,344; parameters 16·32 + 16 + 16 = 544.
        Assert.Equal(1_344, cost.ElementwiseFlops);
        Assert.Equal(544, cost.Parameters);
    }

    [Fact]
    public void PatchMergingInV1OrderNormalisesFourTimesTheChannels()
    {
        // [5, 7, 8] → [3, 4, 16] as above, but the norm runs before the reduction over 12 tokens · 32 = 384 elements:
        // 7 · 384 = 2,688; parameters 16·32 + 32 + 32 = 576.
        var (_, cost) = OneLayer.Run(InputSpec.Image(5, 7, 8), new LayerSpec("merge", PatchMerging, ("norm_first", true)));
        Assert.Equal(6_144, cost.Macs);
        Assert.Equal(2_688, cost.ElementwiseFlops);
        Assert.Equal(576, cost.Parameters);
    }

    [Fact]
    public void LayerScaleIsOneProductPerElementAndOneParameterPerChannel()
    {
        // Image [6, 3, 5]: a [6, 1, 1] parameter named by the path; 90 products.
        var (image, onImage) = OneLayer.Run(InputSpec.Image(6, 3, 5), new LayerSpec("layer_scale", LayerScale));
        Assert.Equal(new[] { 6, 1, 1 }, Assert.Single(image.Tensors).Dims.ToArray());
        Assert.Equal("layer_scale", image.Tensors[0].Name);
        Assert.Equal(90, onImage.ElementwiseFlops);
        Assert.Equal(6, onImage.Parameters);

        // Tokens [5, 8]: a [8] parameter; 40 products.
        var (tokens, onTokens) = OneLayer.Run(InputSpec.Sequence(5, 8), new LayerSpec("gamma", LayerScale));
        Assert.Equal(new[] { 8 }, Assert.Single(tokens.Tensors).Dims.ToArray());
        Assert.Equal(40, onTokens.ElementwiseFlops);
    }

    [Fact]
    public void LayerNorm2dIsALayerNormOverTheChannels()
    {
        // [6, 3, 5] = 90 elements, 7 each (as LayerNorm with weight and bias); weight and bias [6].
        var (_, cost) = OneLayer.Run(InputSpec.Image(6, 3, 5), new LayerSpec("norm", LayerNorm2d, ("eps", 1e-6)));
        Assert.Equal(630, cost.ElementwiseFlops);
        Assert.Equal(12, cost.Parameters);
    }

    [Fact]
    public void PermuteAndChannelShuffleDoNoArithmeticAndMoveTheirOutput()
    {
        var (permuted, permute) = OneLayer.Run(InputSpec.Image(3, 4, 5), new LayerSpec("p", Permute, ("dim0", 1), ("dim1", 2), ("dim2", 0)));
        Assert.Equal(Shape.Of(4, 5, 3), permuted.Output);
        Assert.Equal(0, permute.Flops);

        // [8, 4, 4] = 128 floats written: 512 activation bytes.
        var (_, shuffle) = OneLayer.Run(InputSpec.Image(8, 4, 4), new LayerSpec("s", ChannelShuffle, ("groups", 2)));
        Assert.Equal(0, shuffle.Flops);
        Assert.Equal(512, shuffle.ActivationBytes);
    }
}
