using ModelDsl.Tests.Parity;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelDsl.Tests.Compression;

/// <summary>
/// Int8Linear against PyTorch 1.13's <c>quantize_dynamic</c> (per-channel symmetric qint8) on the same
/// weights; Int4Linear's packing and error and Int8Conv2d's dequantised weight against hand references.
/// </summary>
public sealed class QuantizedLayerTests(ITestOutputHelper output)
{
    private static (Tensor Weight, Tensor Bias, Tensor X) Case(long inFeatures, long outFeatures, long batch)
    {
        var generator = new Generator(7);
        var weight = randn([outFeatures, inFeatures], generator: generator).mul(0.05);
        var bias = randn([outFeatures], generator: generator).mul(0.1);
        var x = randn([batch, inFeatures], generator: generator);
        return (weight, bias, x);
    }

    private static Dictionary<string, Tensor> PyTorch(Tensor weight, Tensor bias, Tensor x)
    {
        var directory = Directory.CreateTempSubdirectory("modeldsl-int8-").FullName;
        try
        {
            var source = Path.Combine(directory, "in.safetensors");
            var target = Path.Combine(directory, "out.safetensors");
            Safetensors.SaveStateDict(source, new Dictionary<string, Tensor> { ["weight"] = weight, ["bias"] = bias, ["x"] = x });
            Python.Run("quantization_reference.py", source, target);
            return Safetensors.LoadStateDict(target);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static double Relative(Tensor actual, Tensor expected) =>
        (actual - expected).norm().item<float>() / (double)expected.norm().item<float>();

    [Fact]
    public void Int8WeightsAreExactlyPyTorchsPerChannelQuantisationAndTheOutputIsItsWithinActivationRounding()
    {
        using var scope = NewDisposeScope();
        var (weight, bias, x) = Case(256, 96, 64);
        var reference = PyTorch(weight, bias, x);
        using var layer = new Int8Linear(256, 96);
        layer.Quantize(weight, bias);

        // The stored int8 values and scales are PyTorch's per_channel_symmetric qint8 weight, value for value.
        Assert.Equal(ScalarType.Int8, layer.Weight.dtype);
        Assert.Equal(0L, (layer.Weight.to(ScalarType.Int32) - reference["q"].to(ScalarType.Int32)).abs().max().item<int>());
        Assert.True((layer.WeightScale - reference["scale"]).abs().max().item<float>() <= 1e-9f);

        // Both quantise the activations dynamically with the same kernel (PyTorch's quantize_dynamic to 7 bits on
        // fbgemm, ours to 8 bits where the CPU has VNNI), so the outputs agree to the activation rounding; both are
        // within ~1e-2 of float32.
        using var noGrad = no_grad();
        var y = layer.call(x);
        var vsPyTorch = Relative(y, reference["y"]);
        var vsFloat = Relative(y, reference["y_float"]);
        var pytorchVsFloat = Relative(reference["y"], reference["y_float"]);
        output.WriteLine($"relative error: vs PyTorch int8 {vsPyTorch:E2}, vs float32 {vsFloat:E2} (PyTorch int8 vs float32 {pytorchVsFloat:E2})");
        Assert.True(vsPyTorch < 3e-2, $"vs PyTorch's int8 output {vsPyTorch:E2}");
        Assert.True(vsFloat < 2e-2, $"vs float32 {vsFloat:E2}");
        Assert.True(vsFloat <= 1.5 * pytorchVsFloat, $"ours {vsFloat:E2} vs PyTorch's own {pytorchVsFloat:E2}");
    }

    [Fact]
    public void TheEmbeddedLinearKernelFileIsWhatItsScriptWrites()
    {
        var directory = Directory.CreateTempSubdirectory("modeldsl-int8linear-");
        try
        {
            var embedded = Path.Combine(directory.FullName, "embedded.pt");
            using (var stream = typeof(Int8Linear).Assembly.GetManifestResourceStream(Int8LinearKernels.ResourceName)!)
            using (var file = File.Create(embedded))
            {
                stream.CopyTo(file);
            }

            // TorchScript's compiled code of each method, from the embedded file and from the script scripted afresh.
            var report = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(Python.Run("int8_conv_reference.py", "schemas", embedded, "linear"))!;
            Assert.Equal(report["script"].Keys.Order(), report["embedded"].Keys.Order());
            foreach (var (method, code) in report["script"])
            {
                Assert.Equal(code, report["embedded"][method]);
            }

            // The C# side invokes only methods the file has (invoking a missing one would crash the process).
            Assert.Equal([Int8LinearKernels.Linear, Int8LinearKernels.Pack], report["embedded"].Keys.Order());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void AnInt8LinearPackedByItsFirstForwardsOnSeveralThreadsGivesTheSingleThreadedResult()
    {
        using var scope = NewDisposeScope();
        var (weight, bias, x) = Case(64, 32, 8);
        using var reference = new Int8Linear(64, 32);
        reference.Quantize(weight, bias);
        Tensor expected;
        using (no_grad())
        {
            expected = reference.call(x).clone();
        }

        for (var round = 0; round < 10; round++)
        {
            // Stored values written straight into the buffers (no Refresh): the first forwards pack them, on four threads.
            using var layer = new Int8Linear(64, 32);
            using (no_grad())
            {
                layer.Weight.copy_(reference.Weight);
                layer.WeightScale.copy_(reference.WeightScale);
                layer.Bias!.copy_(reference.Bias!);
            }

            var results = new Tensor[4];
            Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = results.Length }, i =>
            {
                using var noGrad = no_grad();
                results[i] = layer.call(x);
            });
            Assert.All(results, r => Assert.True(r.allclose(expected, 0, 0), $"round {round}: a concurrent first forward differs"));
        }
    }

    [Fact]
    public void Int8OutputMatchesAHandDequantisedReferenceAndHandlesBatchDimensions()
    {
        using var scope = NewDisposeScope();
        var (weight, bias, _) = Case(64, 32, 1);
        using var layer = new Int8Linear(64, 32);
        layer.Quantize(weight, bias);
        // By hand: the dequantised weight q · scale, in float32, with q = round(w × (1 / scale)) as PyTorch's quantiser
        // computes it (a multiply by the reciprocal, which rounds differently from w / scale at a few ties).
        var amax = weight.abs().amax([1]);
        var scale = amax / 127.5f;
        var q = (weight * scale.reciprocal().unsqueeze(1)).round().clamp(-128, 127);
        var reference = q * scale.unsqueeze(1);
        var difference = (layer.Dequantize() - reference).abs().max().item<float>();
        Assert.True(difference < 1e-6f, "largest difference " + difference);

        using var noGrad = no_grad();
        var x = randn(2, 5, 64);
        var expected = nn.functional.linear(x, reference, bias);
        var y = layer.call(x);
        Assert.Equal(new long[] { 2, 5, 32 }, y.shape);
        Assert.True(Relative(y, expected) < 1e-2);
        Assert.Equal(new long[] { 32 }, layer.call(x[0, 0]).shape);
        var error = Assert.Throws<ArgumentException>(() => layer.call(randn(3, 63)));
        Assert.Contains("[*, 64]", error.Message);
    }

    [Fact]
    public void Int4PackingRoundTripsExactlyTwoValuesPerByte()
    {
        using var scope = NewDisposeScope();
        // Every value in [-8, 7] at an odd width (the last byte's high nibble is padding).
        var values = arange(-8, 8, dtype: ScalarType.Int8).repeat(3, 1).narrow(1, 0, 15);
        var packed = Int4Linear.Pack(values);
        Assert.Equal(new long[] { 3, 8 }, packed.shape);
        Assert.Equal(ScalarType.Byte, packed.dtype);
        // By hand: -8 and -7 are 0 and 1 after the +8 offset; the byte is low + 16 × high = 16.
        Assert.Equal(16, packed[0, 0].item<byte>());
        Assert.True(Int4Linear.Unpack(packed, 15).eq(values).all().item<bool>());
    }

    [Fact]
    public void Int4StoresGroupScalesAndItsErrorIsBoundedByHalfAStep()
    {
        using var scope = NewDisposeScope();
        var (weight, bias, x) = Case(300, 40, 8);
        using var layer = new Int4Linear(300, 40);
        layer.Quantize(weight, bias);
        // ⌈300/128⌉ = 3 groups; 150 bytes per row.
        Assert.Equal(new long[] { 40, 150 }, layer.PackedWeight.shape);
        Assert.Equal(new long[] { 40, 3 }, layer.WeightScale.shape);
        // Round to nearest: every weight is within half a step (scale / 2) of its dequantised value.
        var scales = layer.WeightScale.repeat_interleave(128, 1).narrow(1, 0, 300);
        var error = (layer.Dequantize() - weight).abs();
        Assert.True((error - (scales / 2) - 1e-7f).max().item<float>() <= 0f);

        using var noGrad = no_grad();
        var relative = Relative(layer.call(x), nn.functional.linear(x, weight, bias));
        output.WriteLine($"int4 group 128 relative output error vs float32: {relative:E2}");
        Assert.True(relative < 0.15, $"relative error {relative:E2}");
    }

    [Fact]
    public void QuantisedLayersRoundTripThroughSafeTensorsStrictly()
    {
        using var scope = NewDisposeScope();
        var (weight, bias, x) = Case(128, 16, 4);
        var path = Path.Combine(Path.GetTempPath(), "modeldsl-quant-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            using var model = nn.Sequential(("a", new Int8Linear(128, 16)), ("b", new Int4Linear(16, 16, hasBias: false)));
            ((Int8Linear)model[0]).Quantize(weight, bias);
            ((Int4Linear)model[1]).Quantize(weight[.., ..16], null);
            model.SaveSafeTensors(path);
            using var loaded = nn.Sequential(("a", new Int8Linear(128, 16)), ("b", new Int4Linear(16, 16, hasBias: false)));
            loaded.LoadSafeTensors(path);
            using var noGrad = no_grad();
            Assert.True(model.call(x).eq(loaded.call(x)).all().item<bool>());
            Assert.Equal(ScalarType.Int8, loaded.state_dict()["a.weight"].dtype);
            Assert.Equal(ScalarType.Byte, loaded.state_dict()["b.weight_packed"].dtype);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void QuantiseRejectsABadDenseWeightBeforeWritingAnything()
    {
        using var scope = NewDisposeScope();
        using var layer = new Int8Linear(8, 4);
        var before = layer.Weight.clone();
        Assert.Contains("[4, 8]", Assert.Throws<ArgumentException>(() => layer.Quantize(randn(4, 7), zeros(4))).Message);
        var nan = randn(4, 8);
        nan[0, 0] = float.NaN;
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => layer.Quantize(nan, zeros(4))).Message);
        Assert.Contains("has a bias", Assert.Throws<ArgumentException>(() => layer.Quantize(randn(4, 8), null)).Message);
        Assert.True(layer.Weight.eq(before).all().item<bool>());
    }

    [Fact]
    public void Int8Conv2dComputesWithItsDequantisedWeightChannelsLastToo()
    {
        using var scope = NewDisposeScope();
        var weight = randn(12, 4, 3, 3).mul(0.1);
        var bias = randn(12);
        using var layer = new Int8Conv2d(8, 12, 3, stride: 2, padding: 1, groups: 2);
        layer.Quantize(weight, bias);
        // By hand: per output channel, scale = max|w| / 127.5 and q = round(w × (1 / scale)).
        var scale = weight.abs().flatten(1).amax([1]) / 127.5f;
        var reference = (weight * scale.reciprocal().view(-1, 1, 1, 1)).round().clamp(-128, 127) * scale.view(-1, 1, 1, 1);
        Assert.True((layer.Dequantize() - reference).abs().max().item<float>() < 1e-6f);

        using var noGrad = no_grad();
        var x = randn(2, 8, 9, 9);
        var expected = nn.functional.conv2d(x, reference, bias, strides: [2, 2], padding: [1, 1], groups: 2);
        Assert.True((layer.call(x) - expected).abs().max().item<float>() < 1e-4f);
        ChannelsLast.Apply(layer);
        layer.Refresh();
        Assert.True(ChannelsLast.IsContiguous(layer.Weight));
        Assert.True((layer.call(ChannelsLast.Contiguous(x)) - expected).abs().max().item<float>() < 1e-4f);
        Assert.Contains("[N, 8, H, W]", Assert.Throws<ArgumentException>(() => layer.call(randn(1, 7, 5, 5))).Message);
    }

    /// <summary>
    /// FBGEMM computes CPU float32 only; another type, or another device (the meta device stands in for CUDA here: a
    /// moved module whose cached forms are private tensors), computes with the dequantised weight made there, and the
    /// bias converted with it — not an error, and not a device mismatch.
    /// </summary>
    [Fact]
    public void Int8LayersComputeWithTheirDequantisedWeightsOnAnotherDeviceOrType()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (weight, bias, x) = Case(16, 6, 3);
        using var linear = new Int8Linear(16, 6);
        linear.Quantize(weight, bias);
        Assert.True(Int8Linear.ComputesInInt8(x));
        Assert.False(Int8Linear.ComputesInInt8(x.to(ScalarType.Float64)));

        // In float64 the product is the dequantised weight's, exactly: no activation rounding.
        var wide = x.to(ScalarType.Float64);
        var expected = wide.matmul(linear.Dequantize().to(ScalarType.Float64).t()) + bias.to(ScalarType.Float64);
        var actual = linear.call(wide);
        Assert.Equal(ScalarType.Float64, actual.dtype);
        Assert.True((actual - expected).abs().max().item<double>() < 1e-12);
        Assert.Equal(ScalarType.Float32, linear.Bias!.dtype);   // the stored bias is left as it was

        using var conv = new Int8Conv2d(4, 6, 3, padding: 1);
        conv.Quantize(randn(6, 4, 3, 3), randn(6));
        var image = randn(2, 4, 5, 5, ScalarType.Float64);
        var convExpected = nn.functional.conv2d(image, conv.Dequantize().to(ScalarType.Float64), conv.Bias!.to(ScalarType.Float64), padding: [1, 1]);
        Assert.True((conv.call(image) - convExpected).abs().max().item<double>() < 1e-12);

        // Moved to another device, the Linear computes there (its FBGEMM forms stay behind, unused). libtorch has no
        // meta convolution, so the convolution's move is not shown here; it makes its dequantised weight the same way.
        linear.to(DeviceType.META);
        var onMeta = linear.call(x.to(DeviceType.META));
        Assert.Equal(DeviceType.META, onMeta.device_type);
        Assert.Equal(new long[] { 3, 6 }, onMeta.shape);
        Assert.Contains("the input is on CPU", Assert.Throws<ArgumentException>(() => linear.call(x)).Message);
    }

    /// <summary>
    /// An integer input would dequantise the weight to integers (|w| &lt; 1 truncated to 0) and give an integer result:
    /// both int8 layers refuse it, naming the layer and the type, as a float Linear or convolution refuses it.
    /// </summary>
    [Fact]
    public void Int8LayersRejectAnIntegerInputInsteadOfTruncatingTheirWeights()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (weight, bias, _) = Case(16, 6, 3);
        using var linear = new Int8Linear(16, 6);
        linear.Quantize(weight, bias);
        var message = Assert.Throws<ArgumentException>(() => linear.call(randint(0, 5, [3, 16]))).Message;
        Assert.Contains("Int8Linear takes floating-point input, got Int64", message);

        using var conv = new Int8Conv2d(4, 6, 3, padding: 1);
        conv.Quantize(randn(6, 4, 3, 3), randn(6));
        message = Assert.Throws<ArgumentException>(() => conv.call(randint(0, 5, [2, 4, 5, 5], ScalarType.Int32))).Message;
        Assert.Contains("Int8Conv2d takes floating-point input, got Int32", message);
    }

    /// <summary>
    /// <c>quantized::linear_dynamic</c> has no autograd formula: an input that records gradients (a batch norm's
    /// parameters before the classifier of an int8 CNN, a forward without <c>no_grad</c>) made an output that claimed to,
    /// whose backward printed libtorch's "an autograd kernel was not registered" warning once per layer on stderr and
    /// left every gradient before it null. The int8 layers are inference-only: their int8 output records no gradient
    /// (as a calibrated convolution's, through <c>quantized::conv2d</c>, does not) and equals the <c>no_grad</c> output.
    /// </summary>
    [Fact]
    public void Int8KernelOutputsRecordNoGradientEvenForAnInputThatDoes()
    {
        using var scope = NewDisposeScope();
        var (weight, bias, x) = Case(16, 6, 3);
        using var linear = new Int8Linear(16, 6);
        linear.Quantize(weight, bias);
        Tensor expected;
        using (no_grad())
        {
            expected = linear.call(x);
        }
        var tracked = x.detach().requires_grad_(true);
        Assert.True(Int8Linear.ComputesInInt8(tracked));
        var y = linear.call(tracked);
        Assert.False(y.requires_grad);
        Assert.Equal(0, (y - expected).abs().max().item<float>());

        using var conv = new Int8Conv2d(4, 6, 3, padding: 1);
        conv.Quantize(randn(6, 4, 3, 3).mul(0.1), randn(6).mul(0.1));
        var image = rand(2, 4, 5, 5);
        Int8Calibration.Run(conv, image);
        using (no_grad())
        {
            expected = conv.call(image);
        }
        var z = conv.call(image.detach().requires_grad_(true));
        Assert.False(z.requires_grad);
        Assert.Equal(0, (z - expected).abs().max().item<float>());
    }
    /// <summary>
    /// The worst case for the int8 GEMM's 16-bit pair sums: every weight at +127 and every activation at the top of its
    /// range, 2 × 255 × 127 = 64 770 per pair, beyond int16. y = x·Wᵀ with W = 127 × scale exactly, so the output is
    /// the float product up to the activations' rounding (one step, 1/255 of the range, per input).
    /// </summary>
    [Fact]
    public void Int8LinearOutputIsRightForActivationsAtTheTopOfTheirRange()
    {
        using var scope = NewDisposeScope();
        using var layer = new Int8Linear(256, 8, hasBias: false);
        layer.Quantize(full(8, 256, 1.0f), null);
        using var noGrad = no_grad();
        var x = ones(64, 256);
        x[.., 0] = tensor(-1e-4f);
        var expected = x.matmul(layer.Dequantize().t());
        var y = layer.call(x);
        var difference = (y - expected).abs().max().item<float>();
        Assert.True(difference <= 256 * 2 / 255f * (float)layer.WeightScale[0].item<float>() * 127, $"the int8 output is {difference} off the float product {expected[0, 0].item<float>()} (reduce_range {Int8LinearKernels.ReduceRange})");
    }

    /// <summary>
    /// FBGEMM has VNNI kernels for AVX-512 only; on a CPU whose VNNI is the VEX form alone (AVX-VNNI), or when
    /// FBGEMM_ENABLE_INSTRUCTIONS makes it use a set without VNNI, it runs its AVX2 or AVX-512 kernels, whose 16-bit pair
    /// sums overflow on full-range activations: the layer must then quantise them to 7 bits, as PyTorch's x86
    /// configuration does without AVX-512 VNNI. The test above, in a process whose FBGEMM runs its AVX2 kernels.
    /// </summary>
    [Fact]
    public void Int8LinearQuantisesTo7BitsWhereFbgemmRunsItsKernelsWithoutVnni()
    {
        var test = $"{typeof(QuantizedLayerTests).FullName}.{nameof(Int8LinearOutputIsRightForActivationsAtTheTopOfTheirRange)}";
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(k => k, _ => (string?)null);
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["FBGEMM_ENABLE_INSTRUCTIONS"] = "AVX2";
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var result = ChildProcess.Run(dotnet, ["test", typeof(QuantizedLayerTests).Assembly.Location, "--filter", $"FullyQualifiedName={test}", "--nologo"], TimeSpan.FromMinutes(3), environment: environment);
        Assert.True(result.ExitCode == 0 && (result.Stdout.Contains("Passed: 1") || result.Stdout.Contains("Passed:     1")), result.Describe("dotnet test with FBGEMM_ENABLE_INSTRUCTIONS=AVX2"));
    }
}
