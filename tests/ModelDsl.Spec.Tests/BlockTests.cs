using static ModelDsl.Spec.LayerKind;

namespace ModelDsl.Spec.Tests;

public class BlockTests
{
    [Fact]
    public void DefaultsMayUseInChannelsAndEarlierParameters()
    {
        var block = new BlockSpec(
            "Mlp",
            new[] { new BlockParameter("hidden", "in_channels * 4"), new BlockParameter("out", "in_channels") },
            new[] { new LayerSpec("fc1", Linear, ("out", "hidden")), new LayerSpec("act", GELU), new LayerSpec("fc2", Linear, ("out", "out")) });
        var shapes = Shapes.Infer(new ModelSpec("M", InputSpec.Sequence(5, 32), new[] { new LayerSpec("mlp", Block, ("block", "Mlp")) }, new[] { block }));

        // in_channels of a [T, D] input is D = 32: hidden = 128, out = 32.
        Assert.Equal(Shape.Of(5, 128), shapes.Find("mlp.fc1")!.Output);
        Assert.Equal(Shape.Of(5, 32), shapes.Output);
    }

    [Fact]
    public void StageArgumentsAreEvaluatedInTheCallersScope()
    {
        // A stage inside a block passes "width * 2" computed from the outer block's width.
        var inner = new BlockSpec("Inner", new[] { new BlockParameter("out"), new BlockParameter("stride", "1") }, new[] { new LayerSpec("fc", Linear, ("out", "out")) });
        var outer = new BlockSpec("Outer", new[] { new BlockParameter("width") }, new[] { new LayerSpec("inner", Stage, ("block", "Inner"), ("blocks", 2), ("out", "width * 2"), ("stride", 2)) });
        var shapes = Shapes.Infer(new ModelSpec("M", InputSpec.Vector(3), new[] { new LayerSpec("outer", Block, ("block", "Outer"), ("width", 5)) }, new[] { inner, outer }));
        Assert.True(shapes.Succeeded, shapes.Error?.ToString());
        Assert.Equal(new[] { "outer.inner.0.fc", "outer.inner.1.fc" }, shapes.Layers.Select(l => l.Path));
        Assert.Equal(Shape.Of(10), shapes.Output);
    }

    [Fact]
    public void BlocksThatUseThemselvesAreAnErrorNotAStackOverflow()
    {
        // A uses B, B uses A: inference must stop with an error naming the cycle.
        var a = new BlockSpec("A", new BlockParameter[0], new[] { new LayerSpec("b", Block, ("block", "B")) });
        var b = new BlockSpec("B", new BlockParameter[0], new[] { new LayerSpec("fc", Linear, ("out", 4)), new LayerSpec("a", Block, ("block", "A")) });
        var shapes = Shapes.Infer(new ModelSpec("M", InputSpec.Vector(3), new[] { new LayerSpec("top", Block, ("block", "A")) }, new[] { a, b }));
        Assert.False(shapes.Succeeded);
        Assert.Equal("A -> B -> A", shapes.Error!.Actual);
        Assert.Equal("top.b.a", shapes.Error.Path);
    }

    [Fact]
    public void UnnamedChildrenAreNumberedLikeSequential()
    {
        // nn.Sequential(Linear, GELU, Dropout, Linear) names its Linears 0 and 3.
        var spec = new ModelSpec("M", InputSpec.Vector(4), new[]
        {
            LayerSpec.Sequential("mlp", new LayerSpec(null, Linear, ("out", 8)), new LayerSpec(null, GELU), new LayerSpec(null, Dropout), new LayerSpec(null, Linear, ("out", 4))),
        });
        Assert.Equal(new[] { "mlp.0.weight", "mlp.0.bias", "mlp.3.weight", "mlp.3.bias" }, Shapes.Infer(spec).Layers.SelectMany(l => l.Tensors).Select(t => t.Name));
    }

    [Fact]
    public void ResolvedArgumentsCarryDefaultsAndEffectiveValues()
    {
        var (shape, _) = OneLayer.Run(InputSpec.Image(16, 8, 8), new LayerSpec("dw", Conv2d, ("depthwise", true), ("kernel", 3), ("padding", 1)));

        // depthwise: groups and out become the input's 16 channels; stride and dilation keep their defaults.
        Assert.Equal(16, shape.Int("groups"));
        Assert.Equal(16, shape.Int("out"));
        Assert.Equal(1, shape.Int("stride"));
        Assert.True(shape.Bool("bias"));
    }
}
