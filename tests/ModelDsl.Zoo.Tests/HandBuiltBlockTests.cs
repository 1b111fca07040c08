using ModelDsl.Zoo.MobileNets;
using ModelDsl.Zoo.ResNets;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Zoo.Tests;

/// <summary>
/// A block built by hand from its parameters, as torchvision's are (<c>BasicBlock(64, 128, stride: 2)</c>), is the
/// block a generated model builds for the same use: the same state dict, and with the model's weights the same output.
/// </summary>
public class HandBuiltBlockTests
{
    [Fact]
    public void ABasicBlockBuiltByHandIsResNet18sLayer2Block0()
    {
        using var model = new ResNet18();
        model.eval();
        using var block = new BasicBlock(64, 128, stride: 2);
        block.eval();

        // torchvision's layer2[0], by hand: 3×3 convs 64→128 (stride 2) and 128→128, and a 1×1 stride-2 projection.
        var state = block.state_dict();
        Assert.Equal(new long[] { 128, 64, 3, 3 }, state["conv1.weight"].shape);
        Assert.Equal(new long[] { 128, 128, 3, 3 }, state["conv2.weight"].shape);
        Assert.Equal(new long[] { 128, 64, 1, 1 }, state["downsample.0.weight"].shape);
        Assert.Equal(new long[] { 128 }, state["downsample.1.running_var"].shape);

        var inModel = model.state_dict().Where(p => p.Key.StartsWith("layer2.0.", StringComparison.Ordinal))
            .ToDictionary(p => p.Key["layer2.0.".Length..], p => p.Value);
        Assert.Equal(inModel.Keys.Order(StringComparer.Ordinal), state.Keys.Order(StringComparer.Ordinal));
        using (no_grad())
        {
            foreach (var (name, tensor) in inModel)
            {
                state[name].copy_(tensor);
            }
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        manual_seed(1);
        var x = randn(2, 64, 16, 16);
        var expected = ((nn.Module<Tensor, Tensor>)model.Layer2.children().First()).call(x);
        var actual = block.call(x);
        Assert.True((expected - actual).abs().max().item<float>() < 1e-5f, "max |diff| " + (expected - actual).abs().max().item<float>());
    }

    [Fact]
    public void AStrideOneBlockThatKeepsItsWidthHasNoProjection()
    {
        using var block = new BasicBlock(64, 64);
        Assert.DoesNotContain(block.state_dict().Keys, k => k.StartsWith("downsample.", StringComparison.Ordinal));
        using var bottleneck = new Bottleneck(256, 64);
        Assert.DoesNotContain(bottleneck.state_dict().Keys, k => k.StartsWith("downsample.", StringComparison.Ordinal));
        using var widening = new Bottleneck(64, 64);
        Assert.Contains("downsample.0.weight", widening.state_dict().Keys);
    }

    [Fact]
    public void ASizeThatDoesNotDivideIsAnErrorNotARoundedLayer()
    {
        // ConvBnReLU6's padding is (kernel - 1) / 2: exact for odd kernels only, as the DSL's own evaluation requires.
        var error = Assert.Throws<ArgumentException>(() => new ConvBnReLU6(8, 8, kernel: 2));
        Assert.Contains("1 / 2 is not a whole number", error.Message, StringComparison.Ordinal);
        using var odd = new ConvBnReLU6(8, 8, kernel: 5);
        Assert.Equal(new long[] { 8, 8, 5, 5 }, odd.state_dict()["0.weight"].shape);
    }
}
