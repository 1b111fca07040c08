using static ModelDsl.Spec.LayerKind;

namespace ModelDsl.Spec.Tests;

/// <summary>The low-rank spec rewrite: which Linears a rank factors, and the shapes and costs of the rewritten spec.</summary>
public class LowRankTests
{
    [Fact]
    public void ALinearIsFactoredWhereTheRankPaysAndKeepsItsNameAndBias()
    {
        // 64 → 32 at rank 6: 6 × 96 = 576 MACs < 2,048, factored; 32 → 10 at rank 6: 6 × 42 = 252 < 320, factored too.
        var spec = new ModelSpec("M", InputSpec.Vector(64), new[] { new LayerSpec("fc", Linear, ("out", 32)), new LayerSpec("act", ReLU), new LayerSpec("head", Linear, ("out", 10), ("bias", false)) });
        var (rewritten, factored) = LowRank.Apply(spec, Shapes.Infer(spec), 6);
        Assert.Equal(new[] { "fc", "head" }, factored);
        var shapes = Shapes.Infer(rewritten);
        Assert.Equal(new[] { "fc.0", "fc.1", "act", "head.0", "head.1" }, shapes.Layers.Select(l => l.Path));
        Assert.Equal(new[] { "fc.0.weight" }, shapes.Find("fc.0")!.Tensors.Select(t => t.Name));
        Assert.Equal(new[] { "fc.1.weight", "fc.1.bias" }, shapes.Find("fc.1")!.Tensors.Select(t => t.Name));
        Assert.DoesNotContain(shapes.Find("head.1")!.Tensors, t => t.Name.EndsWith("bias", StringComparison.Ordinal));
        Assert.Equal(576 + 252, Cost.Of(shapes).Total.Macs);
    }

    [Fact]
    public void ABlockLinearIsFactoredOnlyWhereTheRankPaysInEveryUse()
    {
        // Block B (one Linear to "w") used twice: 32 → 8 pays at rank 6 (6 × 40 = 240 < 256), 8 → 6 does not (6 is not
        // below min(8, 6)); the block's Linear is one spec node, so it stays dense. The model's own 64 → 32 is factored.
        var block = new BlockSpec("B", new[] { new BlockParameter("w") }, new[] { new LayerSpec("fc", Linear, ("out", "w")) });
        var spec = new ModelSpec(
            "M",
            InputSpec.Vector(64),
            new[] { new LayerSpec("stem", Linear, ("out", 32)), new LayerSpec("a", Block, ("block", "B"), ("w", 8)), new LayerSpec("b", Block, ("block", "B"), ("w", 6)) },
            new[] { block });
        var (rewritten, factored) = LowRank.Apply(spec, Shapes.Infer(spec), 6);
        Assert.Equal(new[] { "stem" }, factored);
        Assert.Equal(new[] { "stem.0", "stem.1", "a.fc", "b.fc" }, Shapes.Infer(rewritten).Layers.Select(l => l.Path));
    }

    [Fact]
    public void AnUnnamedStageOfBlocksIsMatchedBlockByBlock()
    {
        // An unnamed stage's two blocks join the model's numbering (0, 1); each 16 → 16 Linear pays at rank 2.
        var block = new BlockSpec("B", new BlockParameter[0], new[] { new LayerSpec("fc", Linear, ("out", 16)) });
        var spec = new ModelSpec("M", InputSpec.Vector(16), new[] { new LayerSpec(null, Stage, ("block", "B"), ("blocks", 2)), new LayerSpec("head", Linear, ("out", 4)) }, new[] { block });
        var (rewritten, factored) = LowRank.Apply(spec, Shapes.Infer(spec), 2);
        Assert.Equal(new[] { "0.fc", "1.fc", "head" }, factored);
        Assert.Equal(new[] { "0.fc.0", "0.fc.1", "1.fc.0", "1.fc.1", "head.0", "head.1" }, Shapes.Infer(rewritten).Layers.Select(l => l.Path));
    }
}
