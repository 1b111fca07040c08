using System.Diagnostics;
using ModelDsl.Zoo.Decoders;
using ModelDsl.Zoo.MobileNets;
using ModelDsl.Zoo.ResNets;
using ModelDsl.Zoo.Transformers;

namespace ModelDsl.Zoo.Tests;

/// <summary>
/// The DSL's models and torchvision's, given the same weights and input, compute the same outputs: the generated
/// structure (residuals, projections, strides, pooling, attention) is PyTorch's, not just its names.
/// </summary>
public class PyTorchParityTests(Xunit.Abstractions.ITestOutputHelper log)
{
    // Debian's interpreter with python3-torch and python3-torchvision; the python3 first on PATH may have neither.
    private const string Python = "/usr/bin/python3";

    [Fact]
    public void ResNet18LogitsEqualTorchvisions()
    {
        using var model = new ResNet18();
        var difference = CompareWithPython(model, "resnet18_forward.py", [2, 3, 224, 224]);
        Assert.True(difference < 1e-4f, $"largest logit difference {difference}");
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("mobilenet_v2")]
    [InlineData("vit_b_16")]
    public void LoadsTorchvisionsWeightsAndComputesItsLogits(string name)
    {
        // The acceptance direction: torchvision's own seeded model, exported by Python, loads strictly into the DSL model.
        using Layer model = name switch
        {
            "resnet18" => new ResNet18(),
            "vit_b_16" => new VitB16(),
            _ => new MobileNetV2(),
        };
        var directory = Directory.CreateTempSubdirectory("modeldsl-zoo-");
        try
        {
            model.Eval();
            using var scope = Torch.NewDisposeScope();
            var input = Tensor.Randn(11, 2, 3, 224, 224);
            var weights = Path.Combine(directory.FullName, "weights.safetensors");
            var inputs = Path.Combine(directory.FullName, "input.safetensors");
            var outputs = Path.Combine(directory.FullName, "output.safetensors");
            SafeTensors.Save(inputs, [new("input", input)]);

            RunPython("torchvision_reference.py", name, weights, inputs, outputs);
            model.LoadStateDict(SafeTensors.Load(weights), strict: true);

            using var noGrad = Torch.NoGrad();
            var ours = model.Forward(input);
            var theirs = SafeTensors.Load(outputs)["output"];
            Assert.Equal(theirs.Shape, ours.Shape);
            var difference = (ours - theirs).Abs().Max().Item<float>();
            log.WriteLine($"{name}: largest logit difference {difference}, largest |logit| {theirs.Abs().Max().Item<float>()}");
            Assert.True(difference < 1e-4f, $"largest logit difference {difference}");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void VitEncoderOutputEqualsTorchvisionsEncoderBlocks()
    {
        using var model = new VitB16Encoder();
        var difference = CompareWithPython(model, "vit_encoder_forward.py", [2, 197, 768]);
        Assert.True(difference < 1e-3f, $"largest output difference {difference}");
    }

    [Fact]
    public void TinyGpt2LoadsNanoGptsWeightsAndComputesItsLogits()
    {
        // nanoGPT's model.py written out in the script (2 layers, 4 heads, width 64, T = 16, V = 97, bias=False), seeded;
        // its state dict has lm_head.weight and transformer.wte.weight (one tied tensor) and loads strictly.
        using var model = new Gpt2Tiny();
        var directory = Directory.CreateTempSubdirectory("modeldsl-zoo-");
        try
        {
            model.Eval();
            using var scope = Torch.NewDisposeScope();
            var weights = Path.Combine(directory.FullName, "weights.safetensors");
            var outputs = Path.Combine(directory.FullName, "output.safetensors");
            RunPython("nanogpt_reference.py", "2", "4", "64", "16", "97", weights, outputs);
            var state = SafeTensors.Load(weights);
            Assert.Equal(state.Keys.Order(StringComparer.Ordinal), model.StateDict().Select(e => e.Key).Order(StringComparer.Ordinal));
            model.LoadStateDict(state, strict: true);

            // The head reads the embedding's table: one tensor, loaded once, counted once.
            Assert.Same(((TiedLinear)model.LmHead).Weight, ((Embedding)((Sequential)model.Transformer)[0]).Weight);
            Assert.Equal(Gpt2Tiny.TotalParameters, model.ParameterCount());

            var reference = SafeTensors.Load(outputs);
            using var noGrad = Torch.NoGrad();
            var ours = model.Forward(reference["input"]);
            var theirs = reference["output"];
            Assert.Equal(new long[] { 2, 16, 97 }, ours.Shape);
            Assert.Equal(theirs.Shape, ours.Shape);
            var difference = (ours - theirs).Abs().Max().Item<float>();
            log.WriteLine($"nanoGPT (tiny): largest logit difference {difference}, largest |logit| {theirs.Abs().Max().Item<float>()}");
            Assert.True(difference < 1e-4f, $"largest logit difference {difference}");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    // Saves the model's weights and a seeded input, has the Python script run the reference, and returns the largest
    // absolute difference between the two outputs.
    private static float CompareWithPython(Layer model, string script, long[] inputShape)
    {
        var directory = Directory.CreateTempSubdirectory("modeldsl-zoo-");
        try
        {
            model.Eval();
            using var scope = Torch.NewDisposeScope();
            var input = Tensor.Randn(7, inputShape);
            var weights = Path.Combine(directory.FullName, "weights.safetensors");
            var inputs = Path.Combine(directory.FullName, "input.safetensors");
            var outputs = Path.Combine(directory.FullName, "output.safetensors");
            SafeTensors.Save(weights, model.StateDict());
            SafeTensors.Save(inputs, [new("input", input)]);

            RunPython(script, weights, inputs, outputs);

            using var noGrad = Torch.NoGrad();
            var ours = model.Forward(input);
            var theirs = SafeTensors.Load(outputs)["output"];
            Assert.Equal(theirs.Shape, ours.Shape);
            return (ours - theirs).Abs().Max().Item<float>();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static void RunPython(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.Combine(AppContext.BaseDirectory, "Parity"),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Parity", script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONNOUSERSITE"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + Python);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(script + " did not finish within 120 s");
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{script} exited with {process.ExitCode}\n{stdout.Result}\n{stderr.Result}");
    }
}
