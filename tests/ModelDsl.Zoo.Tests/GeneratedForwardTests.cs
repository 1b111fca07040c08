using ModelDsl.Zoo.ResNets;
using ModelDsl.Zoo.Transformers;
using static TorchSharp.torch;

namespace ModelDsl.Zoo.Tests;

/// <summary>What the generated code does at run time beyond the numbers: memory format and eager freeing.</summary>
public class GeneratedForwardTests
{
    [Fact]
    public void ConvolutionalImageModelsAreChannelsLastByDefault()
    {
        // MemoryFormat.Auto: a Conv2d on an image input makes the generated constructor lay the weights out channels-last.
        using var resnet = new ResNet18();
        var conv1 = resnet.state_dict()["conv1.weight"];
        Assert.True(ChannelsLast.IsContiguous(conv1));
        Assert.False(conv1.is_contiguous());

        // ViT has a patch convolution but no Conv2d layer: it keeps PyTorch's default layout.
        using var vit = new VitB16();
        Assert.True(vit.state_dict()["conv_proj.weight"].is_contiguous());
    }

    [Fact]
    public void ResNetForwardFreesEveryIntermediateAndLeavesOnlyItsResult()
    {
        using var model = new ResNet18();
        model.eval();
        using var noGrad = no_grad();
        using var input = Modules.SeededRandn(3, 2, 3, 64, 64);
        using var scope = NewDisposeScope();

        using var output = model.call(input);

        // Every tensor made during the forward pass (outputs of 60-odd layers, residual sums, projections, the
        // channels-last copy of the input) was disposed as soon as it was consumed; only the logits are alive.
        Assert.Equal(1, scope.DisposablesCount);
        Assert.Equal(new long[] { 2, 1000 }, output.shape);
        Assert.False(input.IsInvalid);
    }
}
