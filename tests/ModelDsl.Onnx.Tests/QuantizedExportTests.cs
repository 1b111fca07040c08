using ModelDsl.Zoo.Classic;
using ModelDsl.Zoo.ResNets;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Onnx.Tests;

/// <summary>
/// int8 variants exported in QDQ form (calibrated on a batch) and run by ONNX Runtime, against the TorchSharp int8 module
/// on the same batch, within error bounds derived here from the quantisation steps; int4 variants exported dequantised.
/// </summary>
public class QuantizedExportTests
{
    /// <summary>
    /// MlpInt8: a worst-case bound, element by element. Each Int8Linear computes with the same dequantised weight Ŵ in both
    /// runtimes; TorchSharp (FBGEMM) quantises its input to uint8 over the input's own range, ONNX Runtime at the calibrated
    /// scale s (the calibration batch is this batch), so each side moves an input element by at most half its step:
    /// s/2 in ONNX (a value outside the calibrated range is clipped, which moves it towards the TorchSharp value, by no
    /// more than the incoming difference e), s_t/2 in TorchSharp, where s_t is counted at 7 bits (range/127) so that the
    /// bound holds whether or not FBGEMM reduces its range. The int32 bias moves each output by at most s·s_w/2. Hence
    /// |Δy_j| ≤ Σ_i |Ŵ_ji| (e_i + s/2 + s_t/2) + s·s_wj/2, and ReLU and Dropout (eval) do not widen it; float summation
    /// order adds 1e-5 relative. That worst case adds every rounding with the same sign; the RMS is checked against the
    /// rounding-noise model too (as ResNet18Int8's test explains).
    /// </summary>
    [Fact]
    public void MlpInt8MatchesTorchSharpsInt8WithinTheWorstCaseQuantisationBound()
    {
        manual_seed(3);
        using var dense = new Mlp();
        using var model = MlpInt8.FromDense(dense);
        using var scope = NewDisposeScope();
        LinearsWithinBounds(model, model.ExportOnnx, randn(16, 784));
    }

    /// <summary>The same bounds on a sequence (the MatMul form, the int8 weight transposed): each Linear quantises all tokens at one step.</summary>
    [Fact]
    public void AnInt8SequenceModelMatchesTorchSharpsInt8WithinTheSameBounds()
    {
        manual_seed(8);
        using var dense = new TokenMlp();
        using var model = TokenMlpInt8.FromDense(dense);
        using var scope = NewDisposeScope();
        LinearsWithinBounds(model, model.ExportOnnx, randn(4, 12, 32));
    }

    private static void LinearsWithinBounds(nn.Module<Tensor, Tensor> model, Action<string, Tensor> export, Tensor x)
    {
        model.eval();
        using var noGrad = no_grad();
        var (expected, inputs) = RunRecordingInt8LinearInputs(model, x);

        using var directory = new TemporaryDirectory();
        var path = directory.File("int8.onnx");
        export(path, x);
        using var onnx = OnnxModel.Load(path);
        var actual = onnx.Run(x);

        Tensor? error = null;
        foreach (var (layer, input) in inputs)
        {
            var range = input.max().clamp_min(0) - input.min().clamp_max(0);
            var (step, stepTorch) = (range / 255, range / 127);
            var weight = layer.Dequantize().abs();
            var incoming = (error ?? zeros_like(input)) + (step / 2) + (stepTorch / 2);
            error = incoming.matmul(weight.t()) + (step * layer.WeightScale / 2);
        }

        var bound = error! + (expected.abs() * 1e-5) + 1e-5;
        var difference = (actual - expected).abs();
        Console.WriteLine($"{model.GetName()}: largest difference {difference.max().item<float>():E2}, smallest bound {bound.min().item<float>():E2}, largest difference / bound {(difference / bound).max().item<float>():F3}");
        Assert.True((difference <= bound).all().item<bool>(), "ONNX Runtime's int8 output is outside the quantisation bound");
        // No lower limit here: ONNX Runtime's int8 products can reproduce FBGEMM's exactly (the same uint8 activations at
        // the same step, the same int32 sums; on TokenMlpInt8 they agree to 1e-7). ResNet18Int8's test has the lower limit.

        // The typical error is far inside that worst case.
        WithinTheRoundingNoiseModel(model, inputs, x, expected, actual);
    }

    /// <summary>
    /// Swin V2's window attention and Mamba's scan stay float in the int8 variants; only the Linears around and inside them
    /// are quantised (QDQ in ONNX, FBGEMM in TorchSharp). Through softmax, LayerNorm and the scan no worst-case bound is
    /// tractable, so the bound is the rounding-noise model, propagated by the same nonlinear layers in TorchSharp.
    /// </summary>
    [Theory]
    [InlineData("swin")]
    [InlineData("mamba")]
    public void Int8VariantsAroundSwinAndMambaMatchTorchSharpsInt8WithinTheRoundingNoiseModel(string which)
    {
        manual_seed(15);
        using var swinDense = new SwinVariants();
        using var mambaDense = new MambaVariants();
        using nn.Module<Tensor, Tensor> model = which == "swin" ? SwinVariantsInt8.FromDense(swinDense) : MambaVariantsInt8.FromDense(mambaDense);
        Action<string, Tensor> export = model is SwinVariantsInt8 swin ? swin.ExportOnnx : ((MambaVariantsInt8)model).ExportOnnx;
        using var scope = NewDisposeScope();
        model.eval();
        using var noGrad = no_grad();
        var x = which == "swin" ? randn(6, 3, 40, 40) : randn(6, 8, 16);
        var (expected, inputs) = RunRecordingInt8LinearInputs(model, x);
        Assert.NotEmpty(inputs);

        using var directory = new TemporaryDirectory();
        var path = directory.File("int8.onnx");
        export(path, x);
        using var onnx = OnnxModel.Load(path);
        WithinTheRoundingNoiseModel(model, inputs, x, expected, onnx.Run(x));
    }

    // TorchSharp's int8 output on x, and the input each Int8Linear saw (in call order).
    private static (Tensor Output, List<(Int8Linear Layer, Tensor Input)> Inputs) RunRecordingInt8LinearInputs(nn.Module<Tensor, Tensor> model, Tensor x)
    {
        var inputs = new List<(Int8Linear Layer, Tensor Input)>();
        var hooks = model.modules().OfType<Int8Linear>()
            .Select(layer => layer.register_forward_pre_hook((_, input) =>
            {
                inputs.Add((layer, input.clone()));
                return null!;
            }))
            .ToList();
        var output = model.call(x);
        hooks.ForEach(h => h.remove());
        return (output, inputs);
    }

    // The two roundings of each Int8Linear input (TorchSharp's over the input's own range, ONNX Runtime's at the step
    // calibrated on this batch) modelled as independent uniform noise (±s/2 each, so √2 × s/2 at the input; zero exact),
    // injected into TorchSharp's module: the observed RMS difference must be below twice the modelled RMS.
    private static void WithinTheRoundingNoiseModel(nn.Module<Tensor, Tensor> model, List<(Int8Linear Layer, Tensor Input)> inputs, Tensor x, Tensor expected, Tensor actual)
    {
        manual_seed(7);
        var noise = inputs.GroupBy(seen => seen.Layer).Select(calls =>
        {
            // One step per layer (each quantises each call over that call's range; the widest bounds them).
            var halfWidth = calls.Max(seen => (seen.Input.max().clamp_min(0) - seen.Input.min().clamp_max(0)).item<float>()) / 255 / 2 * MathF.Sqrt(2);
            return calls.Key.register_forward_pre_hook((_, input) => input + (rand_like(input).mul_(2).sub_(1).mul_(halfWidth) * input.ne(0)));
        }).ToList();
        var simulated = model.call(x);
        noise.ForEach(h => h.remove());
        var modelled = (simulated - expected).square().mean().sqrt().item<float>();
        var rms = (actual - expected).square().mean().sqrt().item<float>();
        Console.WriteLine($"{model.GetName()}: observed RMS difference {rms:E2}, modelled {modelled:E2}");
        Assert.True(modelled > 0, "the noise model moved nothing");
        Assert.InRange(rms, 0, 2 * modelled);
    }

    /// <summary>
    /// ResNet18Int8: its convolutions compute in float32 in TorchSharp (int8 storage) and in int8 in ONNX Runtime, so the
    /// difference is the rounding at the QDQ graph's quantisation points — the input of every Int8Conv2d (a residual
    /// block's input once, for its convolutions and its add) and of the Int8Linear, and the output of every convolution
    /// group (the ReLU after conv1/bn1, and bn2 or downsample.1 where the residual add follows). The bound comes from the standard model of that rounding: an error uniform in ±s/2 (s the
    /// point's calibrated step, range / 255; zero exact), independent between elements. The test injects exactly that
    /// noise at those points in the TorchSharp module; the observed RMS difference must be between ½ and 2 times the
    /// modelled RMS (the lower limit proves the graph does quantise), and no element beyond 6 modelled RMS (Gaussian tails
    /// put 2000 outputs within about 4). The Linear's input gets no noise: both runtimes round it at the same step (FBGEMM
    /// dynamically over this batch, ONNX Runtime at the scale calibrated on it), so the two roundings of nearly equal
    /// inputs coincide and only the upstream difference passes through (as MlpInt8's test shows).
    /// </summary>
    [Fact]
    public void ResNet18Int8MatchesTorchSharpsInt8WithinTheRoundingNoiseOfItsQuantisationPoints()
    {
        manual_seed(4);
        using var dense = new ResNet18();
        Harness.Randomise(dense);
        using var model = ResNet18Int8.FromDense(dense);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        manual_seed(5);
        var x = randn(2, 3, 224, 224);

        static bool GroupEnd(string name) =>
            name == "relu" || name.EndsWith(".relu", StringComparison.Ordinal) || name.EndsWith(".bn2", StringComparison.Ordinal) || name.EndsWith(".downsample.1", StringComparison.Ordinal);
        // A residual block ("layer2.1"): its input feeds conv1 (and downsample) and the add, all through one rounding.
        static bool Block(string name) => name.StartsWith("layer", StringComparison.Ordinal) && name.Count(c => c == '.') == 1;
        var named = model.named_modules().ToList();
        var steps = new Dictionary<string, float>(StringComparer.Ordinal);
        void Step(string name, Tensor value)
        {
            var range = value.max().clamp_min(0).item<float>() - value.min().clamp_max(0).item<float>();
            steps[name] = Math.Max(steps.GetValueOrDefault(name), range / 255);
        }

        var hooks = new List<Action>();
        foreach (var (name, module) in named)
        {
            if ((module is IQuantizedLayer || Block(name)) && module is nn.Module<Tensor, Tensor> layer)
            {
                hooks.Add(layer.register_forward_pre_hook((_, input) => { Step(name + "/input", input); return null!; }).remove);
            }
            else if (GroupEnd(name) && module is nn.Module<Tensor, Tensor> end)
            {
                hooks.Add(end.register_forward_hook((_, _, output) => { Step(name, output); return null!; }).remove);
            }
        }

        var clean = model.call(x);
        hooks.ForEach(remove => remove());

        using var directory = new TemporaryDirectory();
        var path = directory.File("resnet18_int8.onnx");
        model.ExportOnnx(path, x);
        using var onnx = OnnxModel.Load(path);
        var observed = onnx.Run(x) - clean;

        // The noise model, three draws: each point's value (once, however many layers read it) plus uniform ±s/2 noise.
        var modelled = new List<float>();
        for (var draw = 0; draw < 3; draw++)
        {
            manual_seed(100 + draw);
            var noised = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
            var shared = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
            Tensor Noise(Tensor value, float step)
            {
                var noisy = value + (rand_like(value).sub_(0.5).mul_(step) * value.ne(0));
                noised.Add(noisy);
                return noisy;
            }

            foreach (var (name, module) in named)
            {
                if ((module is Int8Conv2d || Block(name)) && module is nn.Module<Tensor, Tensor> layer)
                {
                    var step = steps[name + "/input"];
                    hooks.Add(layer.register_forward_pre_hook((_, input) =>
                        noised.Contains(input) ? null! : shared.TryGetValue(input, out var known) ? known : shared[input] = Noise(input, step)).remove);
                }
                else if (GroupEnd(name) && module is nn.Module<Tensor, Tensor> end)
                {
                    hooks.Add(end.register_forward_hook((_, _, output) => Noise(output, steps[name])).remove);
                }
            }

            var simulated = model.call(x);
            hooks.ForEach(remove => remove());
            hooks.Clear();
            modelled.Add((simulated - clean).square().mean().item<float>());
        }

        var sigma = MathF.Sqrt(modelled.Average());
        var rms = observed.square().mean().sqrt().item<float>();
        var largest = observed.abs().max().item<float>();
        Console.WriteLine($"ResNet18Int8: observed RMS difference {rms:E3}, modelled {sigma:E3} (ratio {rms / sigma:F2}), largest {largest:E3} ({largest / sigma:F1} modelled RMS); output RMS {clean.square().mean().sqrt().item<float>():E3}");
        Assert.InRange(rms / sigma, 0.5f, 2f);
        Assert.InRange(largest, 0, 6 * sigma);
    }

    /// <summary>
    /// A BatchNorm folded into an int8 convolution, half its channels with a negative scale γ (the export negates their
    /// int8 values to keep the weight scales positive). One group, so a worst-case bound per output channel c: the folded
    /// weight Ŵ'_c = Ŵ_c·γ_c/√(var_c + eps) sees an input rounded by at most s_in/2 (Σ|Ŵ'_c|·s_in/2), the int32 bias
    /// moves by at most s_in·s'_c/2, the quantised output by at most s_out/2, and a negated −128 (saturated to 127) by one
    /// step s'_c of an input of at most max|x| + s_in/2, per such value. TorchSharp computes the same group in float32.
    /// </summary>
    [Fact]
    public void AFoldedBatchNormWithNegativeScalesMatchesTorchSharpsInt8WithinTheOneGroupBound()
    {
        manual_seed(9);
        using var dense = new ConvNorm();
        Harness.Randomise(dense);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var state = dense.state_dict();
        state["features.1.weight"].mul_(tensor(new float[] { -1, 1, -1, 1, -1, 1, -1, 1 }).view(-1));
        using var model = ConvNormInt8.FromDense(dense);
        model.eval();
        var x = randn(4, 3, 8, 8);
        var expected = model.call(x);
        using var directory = new TemporaryDirectory();
        var path = directory.File("conv_norm_int8.onnx");
        model.ExportOnnx(path, x);
        using var onnx = OnnxModel.Load(path);
        var actual = onnx.Run(x);

        var conv = model.modules().OfType<Int8Conv2d>().Single();
        var factor = state["features.1.weight"] / (state["features.1.running_var"] + 1e-5).sqrt();
        var stepIn = (x.max().clamp_min(0) - x.min().clamp_max(0)) / 255;
        var stepOut = (expected.max().clamp_min(0) - expected.min().clamp_max(0)) / 255;
        var folded = conv.Dequantize() * factor.view(-1, 1, 1, 1);
        var foldedScale = conv.WeightScale * factor.abs();
        var saturated = conv.Weight.eq(-128).logical_and(factor.lt(0).view(-1, 1, 1, 1)).flatten(1).sum([1]).to(ScalarType.Float32);
        var bound = (folded.abs().flatten(1).sum([1]) * stepIn / 2) + (stepOut / 2) + (stepIn * foldedScale / 2)
            + (saturated * foldedScale * (x.abs().max() + (stepIn / 2))) + 1e-5;
        var difference = (actual - expected).abs().amax([0, 2, 3]);
        Console.WriteLine($"ConvNormInt8: largest difference per channel {string.Join(", ", difference.data<float>().ToArray().Select(d => d.ToString("E2", System.Globalization.CultureInfo.InvariantCulture)))}; bound {string.Join(", ", bound.data<float>().ToArray().Select(d => d.ToString("E2", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.True((difference <= bound).all().item<bool>(), "a folded channel is outside its bound");
    }

    [Fact]
    public void AnInt8VariantWithoutACalibrationBatchFailsSayingOneIsNeededAndWritesNothing()
    {
        using var model = new MlpInt8();
        using var directory = new TemporaryDirectory();
        var path = directory.File("int8.onnx");
        const string Message = "ONNX export of MlpInt8: an int8 variant exports as QDQ with static activation scales, which need a calibration batch: call ExportOnnx(path, calibration) with representative inputs [n, 784]";
        Assert.Equal(Message, Assert.Throws<InvalidOperationException>(() => model.ExportOnnx(path)).Message);
        Assert.StartsWith(Message, Assert.Throws<ArgumentNullException>(() => model.ExportOnnx(path, null!)).Message, StringComparison.Ordinal);
        using var wrong = zeros(4, 28, 28);
        var shape = Assert.Throws<ArgumentException>(() => model.ExportOnnx(path, wrong));
        Assert.StartsWith("ONNX export of MlpInt8: the calibration batch must be [n, 784] (n ≥ 1), got [4, 28, 28]", shape.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }
}
