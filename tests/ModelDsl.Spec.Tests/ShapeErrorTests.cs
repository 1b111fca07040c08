using ModelDsl.Spec.Tests.Zoo;
using static ModelDsl.Spec.LayerKind;

namespace ModelDsl.Spec.Tests;

public class ShapeErrorTests
{
    [Fact]
    public void LinearWithWrongInFeatures()
    {
        var error = OneLayer.Fail(
            InputSpec.Vector(784),
            new LayerSpec("fc1", Linear, ("out", 256)),
            new LayerSpec("fc2", Linear, ("out", 10), ("in", 512)));
        Assert.Equal(ShapeErrorKind.ShapeMismatch, error.Kind);
        Assert.Equal("fc2", error.Path);
        Assert.Equal("in", error.Argument);
        Assert.Equal("last dimension 512", error.Expected);
        Assert.Equal("last dimension 256 from input [256]", error.Actual);
        Assert.Equal("fc2 (in): expected last dimension 512, got last dimension 256 from input [256].", error.Message);
    }

    [Fact]
    public void ResidualBranchesDisagree()
    {
        var block = new BlockSpec(
            "Widen",
            new[] { new BlockParameter("width") },
            new[] { LayerSpec.Residual("identity", new LayerSpec("fc", Linear, ("out", "width")), new LayerSpec("act", ReLU)) });
        var spec = new ModelSpec("M", InputSpec.Vector(64), new[] { new LayerSpec("blocks", Stage, ("block", "Widen"), ("blocks", 2), ("width", 32)) }, new[] { block });

        var error = OneLayer.Fail(spec);
        Assert.Equal(ShapeErrorKind.ResidualMismatch, error.Kind);
        Assert.Equal("blocks.0.add", error.Path);
        Assert.Contains("[64]", error.Expected);
        Assert.Equal("[32] from blocks.0.act", error.Actual);
    }

    [Fact]
    public void ProjectionShortcutNeedsAnIntegerStride()
    {
        // conv k3 s2 without padding on 9: floor((9 − 3) / 2) + 1 = 4. A 1x1 stride-s conv gives floor(8 / s) + 1:
        // s = 2 → 5, s = 3 → 3. No stride reproduces 4, so no torchvision-style projection exists.
        var spec = new ModelSpec("M", InputSpec.Image(8, 9, 9), new[]
        {
            LayerSpec.Residual("projection", new LayerSpec("conv", Conv2d, ("out", 16), ("kernel", 3), ("stride", 2))),
        });
        var error = OneLayer.Fail(spec);
        Assert.Equal(ShapeErrorKind.ResidualMismatch, error.Kind);
        Assert.Equal("add", error.Path);
        Assert.Contains("one integer stride", error.Expected);
    }

    [Fact]
    public void KernelLargerThanPaddedInput()
    {
        var error = OneLayer.Fail(InputSpec.Image(3, 4, 4), new LayerSpec("conv", Conv2d, ("out", 8), ("kernel", 7), ("padding", 1)));
        Assert.Equal(ShapeErrorKind.KernelTooLarge, error.Kind);
        Assert.Equal("conv", error.Path);
        Assert.Equal("kernel", error.Argument);
        Assert.Equal("a kernel extent of at most the padded input 6 (4 + 2 x 1)", error.Expected);
        Assert.Equal("kernel extent 7 (kernel 7, dilation 1) on input [3, 4, 4]", error.Actual);
    }

    [Fact]
    public void ErrorsInsideStagesCarryTheFullPath()
    {
        // A Bottleneck whose last conv width does not divide: 64 · 4 / 3 is not an integer.
        var broken = ResNets.Bottleneck with
        {
            Layers = new[]
            {
                LayerSpec.Residual(
                    "projection",
                    new LayerSpec("conv1", Conv2d, ("out", "planes"), ("kernel", 1)),
                    new LayerSpec("conv2", Conv2d, ("out", "planes"), ("kernel", 3), ("padding", 1)),
                    new LayerSpec("conv3", Conv2d, ("out", "planes * 4 / 3"), ("kernel", 1))),
            },
        };
        var resnet = ResNets.ResNet50();
        var error = OneLayer.Fail(resnet with { Blocks = new[] { ResNets.BasicBlock, broken } });
        Assert.Equal(ShapeErrorKind.Expression, error.Kind);
        Assert.Equal("layer1.0.conv3", error.Path);
        Assert.Equal("out", error.Argument);
        Assert.Equal(ExpressionErrorKind.NotInteger, error.Expression!.Kind);
        Assert.Contains("256 / 3 is not an integer", error.Actual);
    }

    [Fact]
    public void UnknownNameInABlockExpression()
    {
        var block = new BlockSpec("B", new[] { new BlockParameter("width") }, new[] { new LayerSpec("fc", Linear, ("out", "widht * 2")) });
        var error = OneLayer.Fail(new ModelSpec("M", InputSpec.Vector(8), new[] { new LayerSpec("b", Block, ("block", "B"), ("width", 4)) }, new[] { block }));
        Assert.Equal(ShapeErrorKind.Expression, error.Kind);
        Assert.Equal("b.fc", error.Path);
        Assert.Equal(ExpressionErrorKind.UnknownName, error.Expression!.Kind);
        Assert.Contains("in_channels, width", error.Actual);
    }

    [Fact]
    public void BlockArgumentsAreChecked()
    {
        var block = new BlockSpec("B", new[] { new BlockParameter("width") }, new[] { new LayerSpec("fc", Linear, ("out", "width")) });
        var unknown = OneLayer.Fail(new ModelSpec("M", InputSpec.Vector(8), new[] { new LayerSpec("b", Block, ("block", "B"), ("width", 4), ("depth", 2)) }, new[] { block }));
        Assert.Equal((ShapeErrorKind.UnknownArgument, "b", "depth"), (unknown.Kind, unknown.Path, unknown.Argument));

        var missing = OneLayer.Fail(new ModelSpec("M", InputSpec.Vector(8), new[] { new LayerSpec("b", Block, ("block", "B")) }, new[] { block }));
        Assert.Equal((ShapeErrorKind.MissingArgument, "b", "width"), (missing.Kind, missing.Path, missing.Argument));

        var noBlock = OneLayer.Fail(new ModelSpec("M", InputSpec.Vector(8), new[] { new LayerSpec("b", Block, ("block", "C")) }, new[] { block }));
        Assert.Equal((ShapeErrorKind.UnknownBlock, "block"), (noBlock.Kind, noBlock.Argument));
    }

    [Fact]
    public void LayerArgumentsAreChecked()
    {
        var unknown = OneLayer.Fail(InputSpec.Vector(8), new LayerSpec("fc", Linear, ("out", 4), ("kernel", 3)));
        Assert.Equal((ShapeErrorKind.UnknownArgument, "kernel"), (unknown.Kind, unknown.Argument));
        Assert.Equal("one of out, in, bias for Linear", unknown.Expected);

        var missing = OneLayer.Fail(InputSpec.Vector(8), new LayerSpec("fc", Linear));
        Assert.Equal((ShapeErrorKind.MissingArgument, "out"), (missing.Kind, missing.Argument));

        var badBool = OneLayer.Fail(InputSpec.Vector(8), new LayerSpec("fc", Linear, ("out", 4), ("bias", "maybe")));
        Assert.Equal((ShapeErrorKind.InvalidArgument, "bias"), (badBool.Kind, badBool.Argument));

        var zero = OneLayer.Fail(InputSpec.Vector(8), new LayerSpec("fc", Linear, ("out", 0)));
        Assert.Equal((ShapeErrorKind.InvalidArgument, "out"), (zero.Kind, zero.Argument));
    }

    [Fact]
    public void RankAndKindMismatches()
    {
        var conv = OneLayer.Fail(InputSpec.Vector(8), new LayerSpec("conv", Conv2d, ("out", 4), ("kernel", 1)));
        Assert.Equal(ShapeErrorKind.ShapeMismatch, conv.Kind);
        Assert.Equal("an image [C, H, W]", conv.Expected);

        var ids = OneLayer.Fail(InputSpec.Tokens(16, 100), new LayerSpec("fc", Linear, ("out", 4)));
        Assert.Contains("token ids need an Embedding", ids.Expected);

        var heads = OneLayer.Fail(InputSpec.Sequence(4, 10), new LayerSpec("attn", MultiheadAttention, ("heads", 3)));
        Assert.Equal((ShapeErrorKind.InvalidArgument, "heads"), (heads.Kind, heads.Argument));

        var groups = OneLayer.Fail(InputSpec.Image(6, 8, 8), new LayerSpec("conv", Conv2d, ("out", 8), ("kernel", 3), ("groups", 4)));
        Assert.Equal((ShapeErrorKind.InvalidArgument, "groups"), (groups.Kind, groups.Argument));

        var tooLong = OneLayer.Fail(InputSpec.Sequence(20, 8), new LayerSpec("wpe", PositionEmbedding, ("max_len", 16)));
        Assert.Equal((ShapeErrorKind.ShapeMismatch, "max_len"), (tooLong.Kind, tooLong.Argument));
    }

    [Fact]
    public void TiedHeadNeedsAnEarlierEmbedding()
    {
        var error = OneLayer.Fail(InputSpec.Sequence(4, 8), new LayerSpec("lm_head", TiedLinear, ("tied_to", "wte")));
        Assert.Equal((ShapeErrorKind.UnknownReference, "lm_head", "tied_to"), (error.Kind, error.Path, error.Argument));
    }

    [Fact]
    public void DuplicateStateDictNames()
    {
        var error = OneLayer.Fail(InputSpec.Vector(8), new LayerSpec("fc", Linear, ("out", 8)), new LayerSpec("fc", Linear, ("out", 8)));
        Assert.Equal(ShapeErrorKind.DuplicateName, error.Kind);
        Assert.Contains("'fc.weight', already registered by fc", error.Actual);
    }

    [Fact]
    public void MalformedInput()
    {
        Assert.Equal(ShapeErrorKind.InvalidInput, OneLayer.Fail(new InputSpec(InputKind.Image, new[] { 3, 224 }), new LayerSpec("a", ReLU)).Kind);
        Assert.Equal(ShapeErrorKind.InvalidInput, OneLayer.Fail(new InputSpec(InputKind.Tokens, new[] { 8 }), new LayerSpec("a", ReLU)).Kind);
    }

    [Fact]
    public void LayersBeforeTheErrorAreKept()
    {
        var shapes = Shapes.Infer(new ModelSpec("M", InputSpec.Vector(8), new[] { new LayerSpec("ok", Linear, ("out", 4)), new LayerSpec("bad", Linear, ("out", 4), ("in", 5)) }));
        Assert.Equal("ok", Assert.Single(shapes.Layers).Path);
        Assert.Null(shapes.Output);
    }
}
