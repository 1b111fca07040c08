using ModelDsl.Spec;

namespace ModelDsl.Generators.Tests;

/// <summary>What the first transform makes of the attributes: the spec the rest of the pipeline sees.</summary>
public class ParsingTests
{
    private static ModelTarget Parse(params string[] sources)
    {
        var run = GeneratorHarness.Generate(sources);
        var outputs = run.Result.Results.Single().TrackedSteps[ModelGenerator.Steps.Models].SelectMany(s => s.Outputs).ToList();
        var input = Assert.IsType<GeneratorInput<ModelTarget>>(Assert.Single(outputs).Value);
        return Assert.IsType<ModelTarget>(input.Target);
    }

    [Fact]
    public void BudgetsAndVariantsAreCarried()
    {
        var model = Parse(Sources.SmallResNet, Sources.BasicBlock);

        Assert.Equal(new BudgetSpec(MaxParams: 1_000_000), model.Spec.Budget);
        Assert.Equal(new[] { new VariantSpec("Slim", KeepRatio: 0.5), new VariantSpec("Int8", Weights: Spec.Precision.Int8) }, model.Spec.Variants);
    }

    [Fact]
    public void AttributesBecomeTheSpecAsWritten()
    {
        var model = Parse(Sources.SmallResNet, Sources.BasicBlock);

        Assert.Equal(InputSpec.Image(3, 32, 32), model.Spec.Input);
        Assert.Equal(new[] { "stem", "layer1", "layer2", "head" }, model.Spec.Layers.Select(l => l.Name));
        var stem = model.Spec.Layers[0];
        Assert.Equal(LayerKind.Sequential, stem.Kind);
        Assert.Equal(new LayerSpec("conv", LayerKind.Conv2d, ("out", "16"), ("kernel", "3"), ("padding", "1"), ("bias", "false")), stem.Children[0] with { Location = null });
        Assert.Equal(new LayerSpec(null, LayerKind.ReLU), stem.Children[2] with { Location = null });
        Assert.Equal(new LayerSpec("layer2", LayerKind.Stage, ("block", "Demo.BasicBlock"), ("blocks", "2"), ("planes", "32"), ("stride", "2")), model.Spec.Layers[2] with { Location = null });

        // Every node knows the attribute that declared it: that is where a shape error inside it is reported.
        var conv = stem.Children[0].Location!;
        Assert.Equal("Conv2d(16, Kernel = 3, Padding = 1, Bias = false, Name = \"conv\")", Sources.SmallResNet.Substring(conv.Start, conv.Length));

        // The block: parameters, and the residual wrapping conv1 … bn2 with the final ReLU after the add.
        var block = Assert.Single(model.Spec.Blocks);
        Assert.Equal(new[] { new BlockParameter("planes"), new BlockParameter("stride", "1") }, block.Parameters);
        Assert.Equal(LayerKind.Residual, block.Layers[0].Kind);
        Assert.Equal("projection", block.Layers[0].GetArg("shortcut"));
        Assert.Equal(new[] { "conv1", "bn1", "relu", "conv2", "bn2" }, block.Layers[0].Children.Select(c => c.Name));
        Assert.Equal("out", block.Layers[1].Name);
    }

    [Fact]
    public void TokenAndSignalInputs()
    {
        var tokens = Parse("using ModelDsl; [Model(SequenceLength = 16, Vocabulary = 100)] public partial class T { [Embedding(32)] public partial Layer Wte { get; } }");
        Assert.Equal(InputSpec.Tokens(16, 100), tokens.Spec.Input);

        var signal = Parse("using ModelDsl; [Model(InputShape = [2, 50], Kind = InputKind.Signal)] public partial class S { [Conv1d(4, Kernel = 3)] public partial Layer Conv { get; } }");
        Assert.Equal(InputSpec.Signal(2, 50), signal.Spec.Input);
    }

    [Theory]
    [InlineData("Conv1", "conv1")]
    [InlineData("Layer1", "layer1")]
    [InlineData("LmHead", "lm_head")]
    [InlineData("ClassToken", "class_token")]
    [InlineData("MLPHead", "mlp_head")]
    [InlineData("fc", "fc")]
    [InlineData("Downsample", "downsample")]
    public void PropertyNamesBecomeSnakeCaseStateDictNames(string property, string stateName) =>
        Assert.Equal(stateName, Names.ToSnakeCase(property));
}
