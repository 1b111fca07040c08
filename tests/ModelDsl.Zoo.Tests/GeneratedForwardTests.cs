using ModelDsl.Zoo.ResNets;
using ModelDsl.Zoo.Transformers;

namespace ModelDsl.Zoo.Tests;

/// <summary>What the generated code does at run time beyond the numbers: memory format and eager freeing.</summary>
public class GeneratedForwardTests
{
    [Fact]
    public void ConvolutionalImageModelsAreChannelsLastByDefault()
    {
        // MemoryFormat.Auto: a Conv2d on an image input makes the generated constructor call ToChannelsLast().
        using var resnet = new ResNet18();
        var conv1 = resnet.StateDict().Single(e => e.Key == "conv1.weight").Value;
        Assert.True(conv1.IsContiguous(channelsLast: true));
        Assert.False(conv1.IsContiguous());

        // ViT has a patch convolution but no Conv2d layer: it keeps PyTorch's default layout.
        using var vit = new VitB16();
        Assert.True(vit.StateDict().Single(e => e.Key == "conv_proj.weight").Value.IsContiguous());
    }

    [Fact]
    public void ResNetForwardFreesEveryIntermediateAndLeavesOnlyItsResult()
    {
        using var model = new ResNet18();
        model.Eval();
        using var noGrad = Torch.NoGrad();
        using var input = Tensor.Randn(3, 2, 3, 64, 64);
        using var scope = Torch.NewDisposeScope();

        using var output = model.Forward(input);

        // Every tensor made during the forward pass (outputs of 60-odd layers, residual sums, projections, the
        // channels-last copy of the input) was disposed as soon as it was consumed; only the logits are alive.
        Assert.Equal(1, scope.Count);
        Assert.Equal(new long[] { 2, 1000 }, output.Shape);
        Assert.False(input.IsDisposed);
    }
}
