using static ModelDsl.Spec.LayerKind;

namespace ModelDsl.Spec.Tests;

public class MambaTests
{
    private static CostReport Block(int length) =>
        Cost.Of(new ModelSpec("Mamba", InputSpec.Sequence(length, 768), new[] { new LayerSpec("mixer", Mamba) }));

    [Fact]
    public void CostIsLinearInSequenceLength()
    {
        CostTotals t1 = Block(512).Total, t2 = Block(1024).Total, t3 = Block(1536).Total;
        Assert.Equal(t2.Macs - t1.Macs, t3.Macs - t2.Macs);
        Assert.Equal(t2.Flops - t1.Flops, t3.Flops - t2.Flops);
        Assert.Equal(t2.ActivationBytes - t1.ActivationBytes, t3.ActivationBytes - t2.ActivationBytes);
        Assert.Equal(t1.Parameters, t3.Parameters);

        // And strictly proportional: no T-independent term.
        Assert.Equal(2 * t1.Macs, t2.Macs);
    }

    [Fact]
    public void MacsPerTokenByHand()
    {
        // D = 768, E = 2·768 = 1536, N = 16, K = 4, R = ceil(768 / 16) = 48. Per token:
        // in_proj 768·3072 = 2,359,296; conv 1536·4 = 6,144; x_proj 1536·(48 + 32) = 122,880;
        // dt_proj 48·1536 = 73,728; scan y = C·h 1536·16 = 24,576; out_proj 1536·768 = 1,179,648. Sum 3,766,272.
        Assert.Equal(3_766_272, Block(1).Total.Macs);

        // Element-wise per token: 1536·19 = 29,184 (conv bias on) + 5·1536·16 = 122,880 → 152,064.
        Assert.Equal(152_064, Block(1).Total.ElementwiseFlops);
    }

    [Fact]
    public void ParametersFollowMambaSimple()
    {
        var shape = Assert.Single(Shapes.Infer(new ModelSpec("Mamba", InputSpec.Sequence(8, 768), new[] { new LayerSpec("mixer", Mamba) })).Layers);
        var names = shape.Tensors.ToDictionary(t => t.Name, t => t.Dims.ToArray());
        Assert.Equal(new[] { 3072, 768 }, names["mixer.in_proj.weight"]);
        Assert.Equal(new[] { 1536, 1, 4 }, names["mixer.conv1d.weight"]);
        Assert.Equal(new[] { 1536 }, names["mixer.conv1d.bias"]);
        Assert.Equal(new[] { 80, 1536 }, names["mixer.x_proj.weight"]);
        Assert.Equal(new[] { 1536, 48 }, names["mixer.dt_proj.weight"]);
        Assert.Equal(new[] { 1536 }, names["mixer.dt_proj.bias"]);
        Assert.Equal(new[] { 1536, 16 }, names["mixer.A_log"]);
        Assert.Equal(new[] { 1536 }, names["mixer.D"]);
        Assert.Equal(new[] { 768, 1536 }, names["mixer.out_proj.weight"]);

        // 2,359,296 + 6,144 + 1,536 + 122,880 + 73,728 + 1,536 + 24,576 + 1,536 + 1,179,648 = 3,770,880.
        Assert.Equal(3_770_880, shape.ParameterCount);
    }

    [Fact]
    public void HybridStackIsAdditive()
    {
        // An attention layer and a Mamba layer in one stack cost what they cost apart.
        var attention = new LayerSpec("attn", MultiheadAttention, ("heads", 12));
        var mamba = new LayerSpec("mixer", Mamba);
        var input = InputSpec.Sequence(256, 768);
        var both = Cost.Of(new ModelSpec("Hybrid", input, new[] { attention, mamba })).Total;
        var apart = Cost.Of(new ModelSpec("A", input, new[] { attention })).Total.Flops + Cost.Of(new ModelSpec("M", input, new[] { mamba })).Total.Flops;
        Assert.Equal(apart, both.Flops);
    }
}
