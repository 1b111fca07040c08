using ModelDsl.Zoo.ResNets;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ModelDsl.Zoo.Tests;

/// <summary>
/// The generated ResNet-18 against TorchVision.NET's hand-written <c>torchvision.models.resnet18()</c>, the model a
/// TorchSharp user has today: the same state dict, so weights move between the two, and the same logits from them.
/// </summary>
public class TorchVisionNetTests(Xunit.Abstractions.ITestOutputHelper log)
{
    [Fact]
    public void ResNet18HasExactlyTorchVisionNetsStateDictKeysAndShapes()
    {
        using var ours = new ResNet18();
        using var theirs = torchvision.models.resnet18();

        // Names, shapes and parameter/buffer kind, sorted: loading is by name, so order does not matter to it.
        Assert.Equal(theirs.StateDictLines(), ours.StateDictLines());
        Assert.Equal(theirs.ParameterCount(), ours.ParameterCount());

        // Parameter order does matter elsewhere: an optimiser's saved state refers to parameters by position, so
        // AdamW state saved while training one model resumes on the other only if parameters() agree in order.
        Assert.Equal(theirs.named_parameters().Select(p => p.name), ours.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void SameWeightsGiveTorchVisionNetsLogits()
    {
        using var ours = new ResNet18();
        using var theirs = torchvision.models.resnet18();
        using var directory = new TemporaryDirectory();
        ours.eval();
        theirs.eval();
        using var scope = NewDisposeScope();
        var input = Modules.SeededRandn(11, 2, 3, 224, 224);
        var (weights, inputs, outputs) = (directory.File("weights.safetensors"), directory.File("input.safetensors"), directory.File("output.safetensors"));
        Weights.WriteSafeTensors(inputs, new Dictionary<string, Tensor> { ["input"] = input });
        // torchvision's seeded resnet18 with batch norms that have run statistics of their own (torchvision_reference.py).
        Python.Run("torchvision_reference.py", "resnet18", weights, inputs, outputs);

        // Each model through its own loader: ours through Weights, TorchVision.NET's through PyBridge as its users do.
        ours.LoadSafeTensors(weights, strict: true);
        theirs.load_safetensors(weights, strict: true);

        using var noGrad = no_grad();
        var ourLogits = ours.call(input);
        var theirLogits = theirs.call(input);
        var difference = (ourLogits - theirLogits).abs().max().item<float>();

        // TorchVision.NET with channels-last weights and input, the layout ours runs in.
        ChannelsLast.Apply(theirs);
        var theirChannelsLast = theirs.call(ChannelsLast.Contiguous(input));
        var sameLayout = (ourLogits - theirChannelsLast).abs().max().item<float>();
        var python = (ourLogits - Weights.ReadSafeTensors(outputs)["output"]).abs().max().item<float>();
        log.WriteLine($"largest logit difference: vs TorchVision.NET NCHW {difference:G3}, vs TorchVision.NET channels-last {sameLayout:G3}, vs torchvision (PyTorch 1.13) {python:G3}; largest |logit| {theirLogits.abs().max().item<float>():G3}");

        // In the same layout both models make the same libtorch calls on the same tensors in the same order, so the
        // logits are identical, bit for bit (measured: 0). Any difference would be a structural one: a layer out
        // of order, a residual added elsewhere, a batch norm's statistics in the wrong place.
        Assert.True(sameLayout == 0, $"largest logit difference to TorchVision.NET in the same (channels-last) layout: {sameLayout}");

        // Across layouts libtorch picks other convolution kernels (NHWC vs NCHW), which sum in another order: measured
        // 1.1e-6 on logits up to 1.5, i.e. a few float32 ulps per layer over 20 layers. 1e-5 is the per-layer bound of
        // DESIGN.md §8 and far below the ~0.1 that a wrong weight or a skipped layer changes the logits by.
        Assert.True(difference < 1e-5f, $"largest logit difference to TorchVision.NET (NCHW) {difference}");
    }
}
