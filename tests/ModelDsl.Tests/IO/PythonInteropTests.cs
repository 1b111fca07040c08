using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelDsl.Tests.IO;

/// <summary>
/// Weights written by PyTorch 1.13 (safetensors through the hand-written safetensors_io.py, and torch.save) load here
/// and give PyTorch's output; weights we write (from a channels-last model, so a layout bug would scramble them)
/// load strictly in PyTorch, bit-exact, and give our output.
/// </summary>
public sealed class PythonInteropTests(ITestOutputHelper output) : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    // weights_interop.py's make(): the same layers, so the same state-dict keys 0.weight … 4.bias.
    private static Sequential Make() => nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 5));

    [Fact]
    public void Files_cross_between_pytorch_and_torchsharp_in_both_directions_and_formats()
    {
        using var scope = NewDisposeScope();
        Parity.Python.Run("weights_interop.py", "write", directory.FullName);
        var io = Weights.ReadSafeTensors(directory.File("py_io.safetensors"));

        var fromSafeTensors = Make();
        fromSafeTensors.LoadSafeTensors(directory.File("py.safetensors"));
        var fromPickle = Make();
        fromPickle.LoadPyTorch(directory.File("py.pt"));
        foreach (var (key, value) in fromSafeTensors.state_dict())
        {
            Assert.True(value.allclose(fromPickle.state_dict()[key], 0, 0), $"{key}: the .pt and .safetensors files disagree");
        }
        Assert.Equal(3, fromPickle.state_dict()["1.num_batches_tracked"].item<long>());
        fromSafeTensors.eval();
        var diff = Close.Equal(io["output"], fromSafeTensors.forward(io["input"]), what: "PyTorch weights in TorchSharp");

        // Change every floating tensor exactly (× 2), lay the conv weight out channels-last, save both formats.
        using (no_grad())
        {
            foreach (var tensor in fromSafeTensors.state_dict().Values.Where(t => t.is_floating_point()))
            {
                tensor.mul_(2);
            }
        }
        ChannelsLast.Apply(fromSafeTensors);
        Assert.True(ChannelsLast.IsContiguous(fromSafeTensors.state_dict()["0.weight"]));
        fromSafeTensors.SaveSafeTensors(directory.File("cs.safetensors"));
        fromSafeTensors.SavePyTorch(directory.File("cs.pt"));
        Weights.WriteSafeTensors(directory.File("cs_output.safetensors"), new Dictionary<string, Tensor> { ["output"] = fromSafeTensors.forward(io["input"]) });

        var report = JsonSerializer.Deserialize<Dictionary<string, double>>(Parity.Python.Run("weights_interop.py", "check", directory.FullName))!;
        output.WriteLine($"PyTorch weights here: max |diff| {diff:G3}; ours in PyTorch: {string.Join(", ", report.Select(e => $"{e.Key} {e.Value:G3}"))}");
        Assert.Equal(["cs.pt", "cs.safetensors"], report.Keys.Order());
    }
}
