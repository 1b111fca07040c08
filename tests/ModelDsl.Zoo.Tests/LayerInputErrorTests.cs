using System.Runtime.InteropServices;
using ModelDsl.Zoo.Classic;
using ModelDsl.Zoo.ResNets;
using ModelDsl.Zoo.Transformers;
using static TorchSharp.torch;

namespace ModelDsl.Zoo.Tests;

/// <summary>
/// An input a generated model cannot take is a <see cref="LayerInputException"/> naming the layer's whole state-dict path
/// (a block's member under the block's name), the shape it was given and the first line of the layer's or libtorch's
/// error — not libtorch's multi-line native message — and the process goes on: the next call with a right input works.
/// </summary>
public class LayerInputErrorTests
{
    [Fact]
    public void AWrongFeatureCountNamesTheLinearInsideItsPropertyAndBothShapes()
    {
        using var model = new Mlp();
        model.eval();
        using var noGrad = no_grad();
        using var wrong = randn(2, 800);
        var error = Assert.Throws<LayerInputException>(() => model.call(wrong));
        Assert.Equal("hidden1.0", error.Path);
        Assert.Equal([2L, 800], error.InputShape);
        Assert.Equal("layer 'hidden1.0' (Linear) cannot take input [2, 800]: mat1 and mat2 shapes cannot be multiplied (2x800 and 784x256)", error.Message);
        Assert.IsAssignableFrom<ExternalException>(error.InnerException);
        Assert.Contains("\n", error.InnerException!.Message, StringComparison.Ordinal); // libtorch's frames stay inside

        using var right = randn(2, 784);
        using var logits = model.call(right);
        Assert.Equal([2L, 10], logits.shape);

        // In training mode the layers are not run again to find the one that failed: the property is named.
        model.train();
        var training = Assert.Throws<LayerInputException>(() => model.call(wrong));
        Assert.Equal("hidden1", training.Path);
    }

    [Fact]
    public void AWrongChannelCountNamesTheFirstConvolution()
    {
        using var model = new ResNet18();
        model.eval();
        using var noGrad = no_grad();
        using var wrong = randn(1, 4, 32, 32);
        var error = Assert.Throws<LayerInputException>(() => model.call(wrong));
        Assert.Equal("conv1", error.Path);
        Assert.StartsWith("layer 'conv1' (Conv2d) cannot take input [1, 4, 32, 32]: ", error.Message);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMemberOfAStagesBlockIsNamedWithTheBlocksIndex()
    {
        // A stage is a Sequential of blocks, which runs them itself: the path still has the block's index.
        using var model = new ResNet18();
        model.eval();
        var conv = model.named_modules().Single(m => m.name == "layer2.1.conv1").module as TorchSharp.Modules.Conv2d;
        conv!.weight = new TorchSharp.Modules.Parameter(randn(128, 64, 3, 3));   // a weight for 64 input channels, fed 128
        using var noGrad = no_grad();
        using var input = randn(1, 3, 32, 32);
        var error = Assert.Throws<LayerInputException>(() => model.call(input));
        Assert.Equal("layer2.1.conv1", error.Path);
        Assert.StartsWith("layer 'layer2.1.conv1' (Conv2d) cannot take input [1, 128, 4, 4]: ", error.Message);
    }

    [Fact]
    public void ABlocksMemberIsNamedUnderTheBlock()
    {
        // 240² gives 225 patches and the class token: 226 tokens, where the position table holds 197.
        using var model = new VitB16();
        model.eval();
        using var noGrad = no_grad();
        using var wrong = randn(1, 3, 240, 240);
        var error = Assert.Throws<LayerInputException>(() => model.call(wrong));
        Assert.Equal("encoder.pos_embedding", error.Path);
        Assert.Equal([1L, 226, 768], error.InputShape);
        Assert.StartsWith("layer 'encoder.pos_embedding' (PositionParameter) cannot take input [1, 226, 768]: ", error.Message);
    }
}
