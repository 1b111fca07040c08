using ModelDsl.Spec.Tests.Zoo;
using static ModelDsl.Spec.LayerKind;

namespace ModelDsl.Spec.Tests.Solvers;

/// <summary>Head and MLP pruning as a spec rewrite (KeepHeads, KeepHidden), its cost and its dependency groups.</summary>
public class HeadPruningTests
{
    [Fact]
    public void AHeadPrunedAttentionKeepsWholeHeadsOfTheDenseWidth()
    {
        var dense = Transformers.VitB16();
        var half = HeadPruning.Apply(dense, 0.5, 0.5);
        var attention = Shapes.Infer(half).Layers.First(l => l.Kind == MultiheadAttention);
        Assert.Equal((6L, 64L), (attention.Int("heads"), attention.Int("head_dim")));

        // By hand, T = 197, D = 768, I = 6·64 = 384: q, k, v 197·768·1152 = 174,292,992; out 197·384·768 = 58,097,664;
        // QKᵀ and AV 2 · 6 · 197² · 64 = 29,805,312. Sum 262,195,968, half of the dense 524,391,936.
        Assert.Equal(262_195_968, Cost.OfLayer(attention).Macs);

        // scale + softmax 6 · 6 · 197² = 1,397,124; biases 197 · (3·384 + 768) = 378,240.
        Assert.Equal(1_775_364, Cost.OfLayer(attention).ElementwiseFlops);
        Assert.Equal(
            new[] { new[] { 1152, 768 }, new[] { 1152 }, new[] { 768, 384 }, new[] { 768 } },
            attention.Tensors.Select(t => t.Dims.ToArray()));
    }

    [Fact]
    public void TheMlpHiddenLinearIsTheOneThatFeedsALinear()
    {
        // ViT's mlp.0 (hidden = in_channels * 4, an expression) halves to 1536; mlp.3 (back to the model width), the
        // attention's projections, the patch embedding and the classifier keep theirs.
        var shapes = Shapes.Infer(HeadPruning.Apply(Transformers.VitB16(), 1, 0.5));
        var linears = shapes.Layers.Where(l => l.Kind == Linear).ToList();
        Assert.All(linears.Where(l => l.Path.EndsWith("mlp.0", StringComparison.Ordinal)), l => Assert.Equal(1536, l.Int("out")));
        Assert.All(linears.Where(l => l.Path.EndsWith("mlp.3", StringComparison.Ordinal)), l => Assert.Equal((1536L, 768L), (l.Int("in"), l.Int("out"))));
        Assert.Equal(12, linears.Count(l => l.Path.EndsWith("mlp.0", StringComparison.Ordinal)));
        Assert.Equal(1000, linears.Single(l => l.Path == "heads.head").Int("out"));
        Assert.All(shapes.Layers.Where(l => l.Kind == MultiheadAttention), l => Assert.Equal(12, l.Int("heads")));
    }

    [Fact]
    public void HeadsAreAGroupOfTheirOwnCutInEachOfQKAndV()
    {
        var dense = Transformers.VitB16();
        var plan = ChannelPlan.Of(Shapes.Infer(dense), Shapes.Infer(HeadPruning.Apply(dense, 0.5, 0.5)));
        Assert.Null(plan.Unsupported);

        // By hand: per layer, one head group (12 → 6, head width 64, ranked by in_proj weight and bias and out_proj's
        // columns) and one MLP group (3072 → 1536, mlp.0's weight and bias); nothing of the model width is cut.
        Assert.Equal(24, plan.Groups.Count);
        var heads = plan.Groups[0];
        Assert.Equal((12, 6, 64), (heads.DenseSize, heads.KeptSize, heads.HeadDim));
        const string attention = "encoder.layers.encoder_layer_0.self_attention.";
        Assert.Equal(new[] { attention + "in_proj_weight", attention + "in_proj_bias" }, heads.Producers);
        Assert.Equal(new[] { attention + "out_proj.weight" }, heads.Columns);
        var mlp = plan.Groups[1];
        Assert.Equal((3072, 1536, 0), (mlp.DenseSize, mlp.KeptSize, mlp.HeadDim));

        var cuts = plan.Tensors.ToDictionary(t => t.Name, t => t.Slices.ToArray());
        Assert.Equal(new[] { new TensorSlice(0, 0, 64, 3) }, cuts[attention + "in_proj_weight"]);
        Assert.Equal(new[] { new TensorSlice(1, 0, 64) }, cuts[attention + "out_proj.weight"]);
        Assert.Empty(cuts[attention + "out_proj.bias"]);
        Assert.Equal(new[] { new TensorSlice(1, 1) }, cuts["encoder.layers.encoder_layer_0.mlp.3.weight"]);
        Assert.Empty(cuts["encoder.ln.weight"]);
        Assert.Empty(cuts["conv_proj.weight"]);
    }

    [Fact]
    public void TheVariantRewriteIsAboutHalfTheMacs()
    {
        var dense = Transformers.VitB16();
        var rewrite = VariantRewrite.Of(dense, new VariantSpec("Half", KeepHeads: 0.5, KeepHidden: 0.5));
        Assert.NotNull(rewrite);
        Assert.True(rewrite.Prunes);
        Assert.Equal((0.5, 0.5, 1.0), (rewrite.KeepHeads, rewrite.KeepHidden, rewrite.Keep));

        // 12 · (262,195,968 + 2·197·768·1536) + 115,605,504 (patches) + 768,000 (head) = 8,840,100,864.
        Assert.Equal(8_840_100_864, rewrite.Cost.Total.Macs);
    }

    [Fact]
    public void NothingToPruneIsSaid()
    {
        Assert.Contains("no multi-head attention", HeadPruning.PrunesNothing(ResNets.ResNet18(), 0.5, 1), StringComparison.Ordinal);
        Assert.Null(HeadPruning.PrunesNothing(Transformers.VitB16(), 0.5, 1));
        Assert.Contains("keeps all its heads", HeadPruning.PrunesNothing(Transformers.VitB16(), 0.99, 1), StringComparison.Ordinal);
        Assert.Null(VariantRewrite.Of(Transformers.VitB16(), new VariantSpec("Same", KeepHeads: 0.99)));
    }
}
