using System.Text.Json;
using ModelDsl.Tests.Parity;
using TorchSharp.PyBridge;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelDsl.Tests.Compression;

/// <summary>
/// Int8Conv2d's int8 compute: the embedded TorchScript kernels against the script that writes them, a calibrated layer
/// against PyTorch 1.13's own quantised convolution and against the float32 convolution within the derived rounding
/// error, the float32 fallback before calibration, and the calibration pass's errors.
/// </summary>
public sealed class Int8ConvTests(ITestOutputHelper output)
{
    // 16 → 24 channels in 2 groups, 3×3, stride 2, padding 1, with a bias: every option the kernels pass on.
    private static (Int8Conv2d Layer, Tensor X) Case()
    {
        var generator = new Generator(11);
        var layer = new Int8Conv2d(16, 24, 3, stride: 2, padding: 1, groups: 2);
        layer.Quantize(randn([24, 8, 3, 3], generator: generator).mul(0.1), randn([24], generator: generator).mul(0.1));
        ChannelsLast.Apply(layer);
        layer.Refresh();
        // Uniform in [0, 1): no value sits exactly on the quantisation grid, so every input carries rounding error.
        var x = ChannelsLast.Contiguous(rand([4, 16, 20, 20], generator: generator));
        return (layer, x);
    }

    private static Tensor FloatPath(Int8Conv2d layer, Tensor x) =>
        nn.functional.conv2d(x, layer.Dequantize(), layer.Bias, strides: [2, 2], padding: [1, 1], groups: 2);

    [Fact]
    public void TheEmbeddedKernelFileIsWhatItsScriptWrites()
    {
        var directory = Directory.CreateTempSubdirectory("modeldsl-int8conv-");
        try
        {
            var embedded = Path.Combine(directory.FullName, "embedded.pt");
            using (var stream = typeof(Int8Conv2d).Assembly.GetManifestResourceStream(Int8ConvKernels.ResourceName)!)
            using (var file = File.Create(embedded))
            {
                stream.CopyTo(file);
            }
            // TorchScript's compiled code of each method, from the embedded file and from the script scripted afresh.
            var report = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(Python.Run("int8_conv_reference.py", "schemas", embedded))!;
            Assert.Equal(report["script"].Keys.Order(), report["embedded"].Keys.Order());
            foreach (var (method, code) in report["script"])
            {
                Assert.Equal(code, report["embedded"][method]);
            }
            // The C# side invokes only methods the file has (invoking a missing one would crash the process).
            Assert.Equal([Int8ConvKernels.Conv, Int8ConvKernels.Pack], report["embedded"].Keys.Order());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void ACalibratedInt8ConvolutionIsPyTorchsQuantisedConvolutionToOneOutputStep()
    {
        using var scope = NewDisposeScope();
        var (layer, x) = Case();
        using var _ = layer;
        Assert.Equal(1, Int8Calibration.Run(layer, x));
        var range = layer.Calibration!;
        var (inScale, inZero) = range.Input;
        var (outScale, outZero) = range.Output;
        using var noGrad = no_grad();
        var y = layer.call(x);

        var directory = Directory.CreateTempSubdirectory("modeldsl-int8conv-");
        Tensor expected;
        try
        {
            var source = Path.Combine(directory.FullName, "in.safetensors");
            var target = Path.Combine(directory.FullName, "out.safetensors");
            Safetensors.SaveStateDict(source, new Dictionary<string, Tensor>
            {
                ["weight"] = layer.Weight.contiguous(), ["scale"] = layer.WeightScale, ["bias"] = layer.Bias!, ["x"] = x.contiguous(),
            });
            static string Text(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            Python.Run("int8_conv_reference.py", "conv", source, target, "2", "1", "1", "2", Text(inScale), inZero.ToString(System.Globalization.CultureInfo.InvariantCulture), Text(outScale), outZero.ToString(System.Globalization.CultureInfo.InvariantCulture));
            expected = Safetensors.LoadStateDict(target)["y"];
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        // Both accumulate the same uint8 × int8 products exactly in int32; requantising to the output grid (float
        // multiplier in oneDNN, libtorch 2.10's x86 kernel here) may round a value to the neighbouring step, no further.
        var steps = (y - expected).abs().div(outScale);
        var maxSteps = steps.max().item<float>();
        var offGrid = steps.gt(0.5).to(ScalarType.Float32).mean().item<float>();
        output.WriteLine($"vs PyTorch 1.13: max {maxSteps:F3} output steps; {offGrid:P2} of the outputs one step apart");
        Assert.True(maxSteps <= 1.001f, $"max {maxSteps} output steps from PyTorch's quantised convolution");
        Assert.True(offGrid < 0.01f, $"{offGrid:P2} of the outputs differ from PyTorch's by a step");
    }

    [Fact]
    public void ACalibratedInt8ConvolutionIsWithinItsRoundingErrorOfTheFloat32Convolution()
    {
        using var scope = NewDisposeScope();
        var (layer, x) = Case();
        using var _ = layer;
        using var noGrad = no_grad();
        var expected = FloatPath(layer, x);
        Int8Calibration.Run(layer, x);
        var actual = layer.call(x);
        Assert.True(ChannelsLast.IsContiguous(actual));

        // The weight is the same on both sides (the float32 side computes with the dequantised one), so the error is
        // rounding: each input to its step s_in (uniform, variance s_in²/12), which reaches output channel c through
        // its weights as s_in²/12 · ‖w_c‖² (all 3×3 taps inside the image; fewer at the border), plus the output's own
        // rounding to s_out, s_out²/12. Over 2 400 outputs the measured mean square is close to that sum.
        var (inScale, _) = layer.Calibration!.Input;
        var (outScale, _) = layer.Calibration!.Output;
        var weightNorms = layer.Dequantize().flatten(1).pow(2).sum([1]).mean().item<float>();
        var predicted = Math.Sqrt((inScale * inScale / 12 * weightNorms) + (outScale * outScale / 12));
        var measured = Math.Sqrt((actual - expected).pow(2).mean().item<float>());
        var relative = (actual - expected).norm().item<float>() / expected.norm().item<float>();
        output.WriteLine($"RMS error {measured:E3}, predicted {predicted:E3} (input step {inScale:E3}, output step {outScale:E3}); relative {relative:E2}");
        Assert.InRange(measured, 0.7 * predicted, 1.15 * predicted);
    }

    [Fact]
    public void AnUncalibratedOrReloadedInt8ConvolutionComputesInFloat32WithItsDequantisedWeight()
    {
        using var scope = NewDisposeScope();
        var (layer, x) = Case();
        using var _ = layer;
        using var noGrad = no_grad();
        var expected = FloatPath(layer, x);
        Assert.Null(layer.Calibration);
        Assert.True((layer.call(x) - expected).abs().max().item<float>() < 1e-5f);

        Int8Calibration.Run(layer, x);
        Assert.NotNull(layer.Calibration);
        Assert.True((layer.call(x) - expected).abs().max().item<float>() > 1e-4f);
        // Loading weights refreshes the layer, and ranges observed with other weights no longer apply.
        layer.Refresh();
        Assert.Null(layer.Calibration);
        Assert.True((layer.call(x) - expected).abs().max().item<float>() < 1e-5f);

        Int8Calibration.Run(layer, x);
        Int8Calibration.Clear(layer);
        Assert.Null(layer.Calibration);
        Assert.True((layer.call(x) - expected).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void ASavedRangeCalibratesAFreshLayerToTheSameOutput()
    {
        using var scope = NewDisposeScope();
        var (layer, x) = Case();
        using var _ = layer;
        using var noGrad = no_grad();
        Int8Calibration.Run(layer, x);
        using var copy = new Int8Conv2d(16, 24, 3, stride: 2, padding: 1, groups: 2);
        copy.load_state_dict(layer.state_dict());
        copy.Refresh();
        copy.Calibrate(layer.Calibration! with { });
        Assert.Equal(0f, (copy.call(x) - layer.call(x)).abs().max().item<float>());
    }

    [Fact]
    public void BadCalibrationInputIsAClearException()
    {
        using var scope = NewDisposeScope();
        var (layer, x) = Case();
        using var _ = layer;
        Assert.Contains("at least one calibration batch", Assert.Throws<ArgumentException>(() => Int8Calibration.Run(layer)).Message);
        using var plain = nn.Sequential(("relu", nn.ReLU()));
        var missing = Assert.Throws<ArgumentException>(() => Int8Calibration.Run(plain, x)).Message;
        Assert.Contains("has no Int8Conv2d", missing);
        Assert.DoesNotContain("Int8Linear", missing);
        // An int8 MLP's variant has nothing to calibrate, and the message says it needs nothing.
        using var mlp = nn.Sequential(("fc", new Int8Linear(16, 4)));
        Assert.Contains("has no Int8Conv2d to calibrate; its Int8Linear layers quantise their activations per call and need no calibration", Assert.Throws<ArgumentException>(() => Int8Calibration.Run(mlp, randn(2, 16))).Message);

        var nan = x.clone();
        nan[0, 0, 0, 0] = float.NaN;
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Int8Calibration.Run(layer, nan)).Message);
        Assert.Null(layer.Calibration);
        Assert.Contains("not a finite interval", Assert.Throws<ArgumentException>(() => layer.Calibrate(new ActivationRange(1, 0, 0, 1))).Message);

        Int8Calibration.Run(layer, x);
        var message = Assert.Throws<ArgumentException>(() => layer.call(x.to(ScalarType.Float64))).Message;
        Assert.Contains("CPU float32", message);
        Assert.Contains("ClearCalibration", message);
        Assert.Contains("[N, 16, H, W]", Assert.Throws<ArgumentException>(() => layer.call(rand(1, 15, 8, 8))).Message);
    }
}
