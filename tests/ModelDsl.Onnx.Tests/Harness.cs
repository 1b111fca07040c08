using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Onnx.Tests;

/// <summary>Exports a model, runs the file in ONNX Runtime and the module in TorchSharp on one input, and compares.</summary>
internal static class Harness
{
    /// <summary>
    /// The largest difference between the two outputs, relative to the output's scale where that is above 1 (or always,
    /// where <paramref name="relative"/>: a model whose outputs are small), after giving every normalisation layer random
    /// statistics and affine parameters (the defaults 0/1 would hide a mix-up).
    /// </summary>
    public static float Compare(nn.Module<Tensor, Tensor> model, Action<string> export, long[] inputShape, int vocabulary = 0, int[]? batches = null, bool relative = false)
    {
        Randomise(model);
        model.eval();
        using var directory = new TemporaryDirectory();
        var path = directory.File("model.onnx");
        export(path);
        using var onnx = OnnxModel.Load(path);
        var worst = 0f;
        foreach (var batch in batches ?? [2])
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            manual_seed(11 + batch);
            long[] shape = [batch, .. inputShape];
            var x = vocabulary > 0 ? randint(0, vocabulary, shape, ScalarType.Int64) : randn(shape);
            var expected = model.call(x);
            var actual = onnx.Run(x);
            Assert.Equal(expected.shape, actual.shape);
            var difference = (expected - actual).abs().max().item<float>();
            var scale = Math.Max(relative ? float.Epsilon : 1f, expected.abs().max().item<float>());
            Console.WriteLine($"{model.GetName()} batch {batch}: largest difference {difference:E2} (output scale {scale:E2})");
            worst = Math.Max(worst, difference / scale);
        }

        return worst;
    }

    /// <summary>Random running statistics and affine parameters for every BatchNorm/LayerNorm/GroupNorm/RMSNorm-like tensor.</summary>
    public static void Randomise(nn.Module module)
    {
        using var noGrad = no_grad();
        manual_seed(5);
        foreach (var (name, tensor) in module.state_dict())
        {
            if (name.EndsWith("running_mean", StringComparison.Ordinal))
            {
                tensor.uniform_(-0.5, 0.5);
            }
            else if (name.EndsWith("running_var", StringComparison.Ordinal))
            {
                tensor.uniform_(0.5, 1.5);
            }
            else if (tensor.dim() == 1 && tensor.dtype == ScalarType.Float32 && IsNorm(module, name))
            {
                tensor.uniform_(name.EndsWith("weight", StringComparison.Ordinal) ? 0.5 : -0.5, name.EndsWith("weight", StringComparison.Ordinal) ? 1.5 : 0.5);
            }
        }
    }

    // A normalisation layer's weight or bias: the ones its kind initialises to ones and zeros.
    private static bool IsNorm(nn.Module module, string name)
    {
        var owner = name[..name.LastIndexOf('.')];
        var layer = module.named_modules().FirstOrDefault(m => m.name == owner).module;
        return layer is TorchSharp.Modules.BatchNorm1d or TorchSharp.Modules.BatchNorm2d or TorchSharp.Modules.LayerNorm or TorchSharp.Modules.GroupNorm or RMSNorm;
    }

    /// <summary>What Python's onnx package reads from the file, after its full checker (shape inference included) passed (unless <paramref name="check"/> is false).</summary>
    public static JsonElement Inspect(string path, bool check = true)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Python");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(directory, "inspect_onnx.py"));
        start.ArgumentList.Add(path);
        if (!check)
        {
            start.ArgumentList.Add("--no-check");
        }

        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONNOUSERSITE"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("inspect_onnx.py did not finish in 120 s");
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"onnx.checker rejected {path}:\n{stderr.Result}");
        return JsonDocument.Parse(stdout.Result).RootElement.Clone();
    }
}

/// <summary>A temporary directory, deleted with everything in it.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("modeldsl-onnx-");

    public string File(string name) => Path.Combine(directory.FullName, name);

    public void Dispose() => directory.Delete(recursive: true);
}
