using static ModelDsl.Spec.LayerKind;

namespace ModelDsl.Spec.Tests;

// Every expected number below is derived by hand in the comment next to it.
public class LayerCostTests
{
    [Fact]
    public void ResNetStemConvolution()
    {
        var (shape, cost) = OneLayer.Run(InputSpec.Image(3, 224, 224), new LayerSpec("conv1", Conv2d, ("out", 64), ("kernel", 7), ("stride", 2), ("padding", 3), ("bias", false)));

        // H_out = floor((224 + 2·3 − 7) / 2) + 1 = floor(223 / 2) + 1 = 112.
        Assert.Equal(Shape.Of(64, 112, 112), shape.Output);

        // MACs = Cout·Hout·Wout · Cin·k² = 64·112·112 · 3·7·7 = 802,816 · 147 = 118,013,952.
        Assert.Equal(118_013_952, cost.Macs);
        Assert.Equal(2 * 118_013_952, cost.Flops); // no bias, so no element-wise part

        // weight [64, 3, 7, 7] = 9,408 parameters, 4 bytes each = 37,632 bytes.
        Assert.Equal(9_408, cost.Parameters);
        Assert.Equal(37_632, cost.WeightBytes);

        // activation: 64·112·112 = 802,816 floats = 3,211,264 bytes.
        Assert.Equal(3_211_264, cost.ActivationBytes);
        Assert.Equal("conv1.weight", Assert.Single(shape.Tensors).Name);
    }

    [Fact]
    public void ConvolutionBiasIsElementwise()
    {
        var (_, cost) = OneLayer.Run(InputSpec.Image(3, 32, 32), new LayerSpec("c", Conv2d, ("out", 16), ("kernel", 3), ("padding", 1)));

        // out [16, 32, 32] = 16,384 elements; MACs = 16,384 · 3·9 = 442,368; bias adds = 16,384.
        Assert.Equal(442_368, cost.Macs);
        Assert.Equal(16_384, cost.ElementwiseFlops);
        Assert.Equal((2 * 442_368) + 16_384, cost.Flops);

        // params = 16·3·3·3 + 16 = 448.
        Assert.Equal(448, cost.Parameters);
    }

    [Fact]
    public void DepthwiseConvolution()
    {
        var (shape, cost) = OneLayer.Run(InputSpec.Image(96, 112, 112), new LayerSpec("dw", Conv2d, ("depthwise", true), ("kernel", 3), ("stride", 2), ("padding", 1), ("bias", false)));

        // groups = in = out = 96; H_out = floor((112 + 2 − 3) / 2) + 1 = 56.
        Assert.Equal(Shape.Of(96, 56, 56), shape.Output);
        Assert.Equal(96, shape.Int("groups"));

        // MACs = 96·56·56 · (96 / 96)·3·3 = 301,056 · 9 = 2,709,504; weight [96, 1, 3, 3] = 864.
        Assert.Equal(2_709_504, cost.Macs);
        Assert.Equal(864, cost.Parameters);
    }

    [Fact]
    public void GroupedDilatedConvolution()
    {
        var (shape, cost) = OneLayer.Run(InputSpec.Image(8, 9, 9), new LayerSpec("g", Conv2d, ("out", 4), ("kernel", 3), ("dilation", 2), ("groups", 2), ("bias", false)));

        // extent = 2·(3 − 1) + 1 = 5; H_out = 9 − 5 + 1 = 5. MACs = 4·5·5 · (8 / 2)·9 = 100 · 36 = 3,600; weight [4, 4, 3, 3] = 144.
        Assert.Equal(Shape.Of(4, 5, 5), shape.Output);
        Assert.Equal(3_600, cost.Macs);
        Assert.Equal(144, cost.Parameters);
    }

    [Fact]
    public void Convolution1d()
    {
        var (shape, cost) = OneLayer.Run(InputSpec.Signal(16, 100), new LayerSpec("c", Conv1d, ("out", 32), ("kernel", 5), ("padding", 2)));

        // L_out = 100 + 4 − 5 + 1 = 100; MACs = 32·100 · 16·5 = 256,000; params = 32·16·5 + 32 = 2,592.
        Assert.Equal(Shape.Of(32, 100), shape.Output);
        Assert.Equal(256_000, cost.Macs);
        Assert.Equal(2_592, cost.Parameters);
    }

    [Fact]
    public void LinearOnATokenSequence()
    {
        var (shape, cost) = OneLayer.Run(InputSpec.Sequence(10, 64), new LayerSpec("fc", Linear, ("out", 128)));

        // [10, 64] → [10, 128]; MACs = 10·64·128 = 81,920; bias adds 10·128 = 1,280; params 64·128 + 128 = 8,320.
        Assert.Equal(Shape.Of(10, 128), shape.Output);
        Assert.Equal(81_920, cost.Macs);
        Assert.Equal(1_280, cost.ElementwiseFlops);
        Assert.Equal(8_320, cost.Parameters);
    }

    [Fact]
    public void Pools()
    {
        // MaxPool k3 s2 p1 on 112: floor((112 + 2 − 3) / 2) + 1 = 56; (9 − 1) comparisons per output: 8·64·56·56 = 1,605,632.
        var (max, maxCost) = OneLayer.Run(InputSpec.Image(64, 112, 112), new LayerSpec("maxpool", MaxPool2d, ("kernel", 3), ("stride", 2), ("padding", 1)));
        Assert.Equal(Shape.Of(64, 56, 56), max.Output);
        Assert.Equal(1_605_632, maxCost.ElementwiseFlops);
        Assert.Equal(0, maxCost.Macs);

        // AvgPool k2 (stride defaults to kernel) on [8, 4, 4] → [8, 2, 2]; k² = 4 per output: 4·32 = 128.
        var (avg, avgCost) = OneLayer.Run(InputSpec.Image(8, 4, 4), new LayerSpec("avg", AvgPool2d, ("kernel", 2)));
        Assert.Equal(Shape.Of(8, 2, 2), avg.Output);
        Assert.Equal(128, avgCost.ElementwiseFlops);

        // Global average over [512, 7, 7]: 49 per channel (48 adds + 1 divide) = 25,088.
        var (global, globalCost) = OneLayer.Run(InputSpec.Image(512, 7, 7), new LayerSpec("avgpool", AdaptiveAvgPool2d));
        Assert.Equal(Shape.Of(512, 1, 1), global.Output);
        Assert.Equal(25_088, globalCost.ElementwiseFlops);

        // Adaptive 5 → 2 overlaps: windows [0, 3) and [2, 5), 3 + 3 = 6 per axis, 6·6 = 36 for one channel.
        var (_, overlapCost) = OneLayer.Run(InputSpec.Image(1, 5, 5), new LayerSpec("p", AdaptiveAvgPool2d, ("size", 2)));
        Assert.Equal(36, overlapCost.ElementwiseFlops);
    }

    [Fact]
    public void Normalisations()
    {
        // BatchNorm2d(64) on [64, 56, 56]: 2 per element = 2·200,704 = 401,408; weight + bias = 128 params,
        // running_mean, running_var, num_batches_tracked are buffers (state dict only).
        var (bn, bnCost) = OneLayer.Run(InputSpec.Image(64, 56, 56), new LayerSpec("bn1", BatchNorm2d));
        Assert.Equal(401_408, bnCost.ElementwiseFlops);
        Assert.Equal(128, bnCost.Parameters);
        Assert.Equal(new[] { "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked" }, bn.Tensors.Select(t => t.Name));

        // LayerNorm(768) on [197, 768] = 151,296 elements: 7 per element with bias = 1,059,072; without: 6 · = 907,776.
        Assert.Equal(1_059_072, OneLayer.Run(InputSpec.Sequence(197, 768), new LayerSpec("ln", LayerNorm)).Cost.ElementwiseFlops);
        var (_, noBias) = OneLayer.Run(InputSpec.Sequence(197, 768), new LayerSpec("ln", LayerNorm, ("bias", false)));
        Assert.Equal(907_776, noBias.ElementwiseFlops);
        Assert.Equal(768, noBias.Parameters);

        // GroupNorm(8 groups) on [32, 4, 4] = 512 elements: 7 · 512 = 3,584; params 2·32 = 64.
        var (_, gn) = OneLayer.Run(InputSpec.Image(32, 4, 4), new LayerSpec("gn", GroupNorm, ("groups", 8)));
        Assert.Equal(3_584, gn.ElementwiseFlops);
        Assert.Equal(64, gn.Parameters);

        // RMSNorm on [4, 16] = 64 elements: 4 · 64 = 256; weight [16].
        var (_, rms) = OneLayer.Run(InputSpec.Sequence(4, 16), new LayerSpec("norm", RMSNorm));
        Assert.Equal(256, rms.ElementwiseFlops);
        Assert.Equal(16, rms.Parameters);
    }

    [Theory]
    [InlineData(ReLU, 1)]
    [InlineData(ReLU6, 2)]
    [InlineData(GELU, 5)]
    [InlineData(SiLU, 5)]
    [InlineData(Sigmoid, 4)]
    [InlineData(Hardswish, 5)]
    [InlineData(Hardsigmoid, 4)]
    [InlineData(Tanh, 1)]
    [InlineData(Softmax, 5)]
    [InlineData(LogSoftmax, 5)]
    [InlineData(Dropout, 0)]
    public void ActivationsCostAFixedNumberPerElement(LayerKind kind, int perElement)
    {
        // [10, 20] = 200 elements; shape unchanged; no MACs, no parameters.
        var (shape, cost) = OneLayer.Run(InputSpec.Sequence(10, 20), new LayerSpec("act", kind));
        Assert.Equal(Shape.Of(10, 20), shape.Output);
        Assert.Equal(0, cost.Macs);
        Assert.Equal(200L * perElement, cost.Flops);
        Assert.Equal(0, cost.Parameters);
        Assert.Equal(800, cost.ActivationBytes);
    }

    [Fact]
    public void SelfAttentionCountsBothAttentionMatmuls()
    {
        var (shape, cost) = OneLayer.Run(InputSpec.Sequence(197, 768), new LayerSpec("self_attention", MultiheadAttention, ("heads", 12)));
        Assert.Equal(Shape.Of(197, 768), shape.Output);

        // q,k,v: 197·768·2304 = 348,585,984; out: 197·768·768 = 116,195,328;
        // QKᵀ: 12 heads · 197·197·64 = 29,805,312; AV: the same 29,805,312. Sum = 524,391,936.
        Assert.Equal(524_391_936, cost.Macs);

        // scale + softmax: 6 · 12·197² = 6 · 465,708 = 2,794,248; biases: 197·2304 + 197·768 = 605,184.
        Assert.Equal(3_399_432, cost.ElementwiseFlops);

        // in_proj_weight 3·768·768 + in_proj_bias 2304 + out_proj 768·768 + 768 = 2,362,368.
        Assert.Equal(2_362_368, cost.Parameters);
        Assert.Equal(
            new[] { "self_attention.in_proj_weight", "self_attention.in_proj_bias", "self_attention.out_proj.weight", "self_attention.out_proj.bias" },
            shape.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void CausalAttentionIsCountedDenseAndQuadraticInT()
    {
        // Dense kernels compute the full T×T product and mask it (nanoGPT's convention): causal = full.
        static long Macs(int t, bool causal) =>
            OneLayer.Run(InputSpec.Sequence(t, 64), new LayerSpec("attn", MultiheadAttention, ("heads", 4), ("causal", causal))).Cost.Macs;
        Assert.Equal(Macs(32, false), Macs(32, true));

        // MACs(T) = 4·T·D² + 2·T²·D: at D = 64, T = 32 → 524,288 + 131,072 = 655,360.
        Assert.Equal(655_360, Macs(32, true));
    }

    [Fact]
    public void VisionTransformerPieces()
    {
        // Patch embedding 16x16 on 224: 14·14 = 196 tokens of 768; MACs = 196·768 · 3·16·16 = 115,605,504.
        var (patches, patchCost) = OneLayer.Run(InputSpec.Image(3, 224, 224), new LayerSpec("conv_proj", PatchEmbedding, ("dim", 768), ("patch", 16)));
        Assert.Equal(Shape.Of(196, 768), patches.Output);
        Assert.Equal(115_605_504, patchCost.Macs);
        Assert.Equal((768 * 3 * 16 * 16) + 768, patchCost.Parameters);

        // Class token: [196, 768] → [197, 768], one [1, 1, 768] parameter named by the path itself.
        var (token, tokenCost) = OneLayer.Run(InputSpec.Sequence(196, 768), new LayerSpec("class_token", ClassToken));
        Assert.Equal(Shape.Of(197, 768), token.Output);
        Assert.Equal(new TensorSpec("class_token", new[] { 1, 1, 768 }), Assert.Single(token.Tensors));
        Assert.Equal(768, tokenCost.Parameters);

        // Position embedding: one add per element (197·768 = 151,296) and a [1, 197, 768] parameter.
        var (_, positionCost) = OneLayer.Run(InputSpec.Sequence(197, 768), new LayerSpec("pos_embedding", PositionEmbedding));
        Assert.Equal(151_296, positionCost.ElementwiseFlops);
        Assert.Equal(151_296, positionCost.Parameters);

        // Taking the class token: [197, 768] → [768], free.
        var (take, takeCost) = OneLayer.Run(InputSpec.Sequence(197, 768), new LayerSpec("take", TakeToken));
        Assert.Equal(Shape.Of(768), take.Output);
        Assert.Equal(0, takeCost.Flops);
    }

    [Fact]
    public void EmbeddingTakesTokenIds()
    {
        // 4 ids from a vocabulary of 100 → [4, 8]; the table is [100, 8] = 800 parameters; a lookup costs nothing.
        var (shape, cost) = OneLayer.Run(InputSpec.Tokens(4, 100), new LayerSpec("wte", Embedding, ("dim", 8)));
        Assert.Equal(Shape.Of(4, 8), shape.Output);
        Assert.Equal(0, shape.Output.Vocabulary);
        Assert.Equal(800, cost.Parameters);
        Assert.Equal(0, cost.Flops);
    }

    [Fact]
    public void ResidualAddIsOneFlopPerElement()
    {
        var spec = new ModelSpec("R", InputSpec.Vector(64), new[] { LayerSpec.Residual("identity", new LayerSpec("fc", Linear, ("out", 64), ("bias", false))) });
        var report = Cost.Of(spec);
        var add = report.Find("add");
        Assert.NotNull(add);
        Assert.Equal(LayerKind.ResidualAdd, add.Kind);
        Assert.Equal(64, add.Flops);

        // fc: 64·64 = 4,096 MACs; total FLOPs = 2·4,096 + 64 = 8,256.
        Assert.Equal(8_256, report.Total.Flops);
    }

    [Fact]
    public void WeightBytesFollowTheOptions()
    {
        var spec = new ModelSpec("L", InputSpec.Vector(10), new[] { new LayerSpec("fc", Linear, ("out", 10)) });

        // 110 parameters: 440 bytes as float32, 220 as 16-bit.
        Assert.Equal(440, Cost.Of(spec).Total.WeightBytes);
        Assert.Equal(220, Cost.Of(spec, new CostOptions(BytesPerParameter: 2)).Total.WeightBytes);
    }
}
