using static TorchSharp.torch;

namespace ModelDsl.Onnx;

/// <summary>The range of values one activation took on the calibration batch, and its uint8 quantisation.</summary>
internal readonly record struct ActivationRange(float Min, float Max)
{
    /// <summary>
    /// The asymmetric uint8 scale and zero point of the range widened to hold 0 (so that 0, a padding or a ReLU's floor,
    /// is exact): scale = (max − min) / 255, zero point = round(−min / scale), as ONNX Runtime's MinMax calibrator computes
    /// them. A range of zeros gets scale 1.
    /// </summary>
    public (float Scale, byte ZeroPoint) Uint8()
    {
        var (low, high) = (Math.Min(Min, 0f), Math.Max(Max, 0f));
        var scale = (high - low) / 255f;
        if (!(scale > 0f))
        {
            return (1f, 0);
        }

        return (scale, (byte)Math.Clamp(MathF.Round(-low / scale, MidpointRounding.ToEven), 0f, 255f));
    }

    public ActivationRange Union(ActivationRange other) => new(Math.Min(Min, other.Min), Math.Max(Max, other.Max));
}

/// <summary>
/// The calibration pass of a QDQ export: the module runs once, in inference mode and without gradients, on the caller's
/// batch, with forward hooks recording the range of every quantised layer's input and of every module's output.
/// </summary>
internal sealed class Calibration
{
    private readonly Dictionary<string, ActivationRange> inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActivationRange> outputs = new(StringComparer.Ordinal);
    private readonly string model;

    private Calibration(string model) => this.model = model;

    /// <summary>Runs <paramref name="module"/> on <paramref name="batch"/> ([n, ..<paramref name="dims"/>]) and records the ranges.</summary>
    public static Calibration Run(nn.Module module, Tensor? batch, int[] dims, bool tokens, string model)
    {
        if (batch is null)
        {
            throw new ArgumentNullException(nameof(batch), OnnxExport.NeedsCalibration(model, dims));
        }

        if (batch.IsInvalid)
        {
            throw new ObjectDisposedException(nameof(batch), "ONNX export of " + model + ": the calibration batch has been disposed");
        }

        var expected = "[n, " + string.Join(", ", dims) + "]";
        if (batch.dim() != dims.Length + 1 || batch.shape[0] < 1 || !batch.shape.Skip(1).SequenceEqual(dims.Select(d => (long)d)))
        {
            throw new ArgumentException("ONNX export of " + model + ": the calibration batch must be " + expected + " (n ≥ 1), got " + LayerBase.FormatShape(batch.shape), nameof(batch));
        }

        var dtype = tokens ? ScalarType.Int64 : ScalarType.Float32;
        if (batch.dtype != dtype)
        {
            throw new ArgumentException("ONNX export of " + model + ": the calibration batch must be " + dtype + ", got " + batch.dtype, nameof(batch));
        }

        if (module is not nn.Module<Tensor, Tensor> root)
        {
            throw new ArgumentException("ONNX export of " + model + ": calibration needs a module taking one tensor", nameof(module));
        }

        var calibration = new Calibration(model);
        var removers = new List<Action>();
        foreach (var (name, child) in module.named_modules())
        {
            if (child is not nn.Module<Tensor, Tensor> layer)
            {
                continue;
            }

            if (child is IQuantizedLayer)
            {
                removers.Add(layer.register_forward_pre_hook((_, x) =>
                {
                    Record(calibration.inputs, name, x);
                    return null!;
                }).remove);
            }

            removers.Add(layer.register_forward_hook((_, _, y) =>
            {
                Record(calibration.outputs, name, y);
                return null!;
            }).remove);
        }

        var training = module.training;
        try
        {
            module.eval();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            root.call(batch.cpu());
        }
        finally
        {
            removers.ForEach(remove => remove());
            if (training)
            {
                module.train();
            }
        }

        foreach (var (name, range) in calibration.inputs.Concat(calibration.outputs))
        {
            if (!float.IsFinite(range.Min) || !float.IsFinite(range.Max))
            {
                throw new ArgumentException("ONNX export of " + model + ": layer '" + name + "' saw NaN or infinity on the calibration batch; no scale can be set", nameof(batch));
            }
        }

        return calibration;
    }

    /// <summary>The range of the input of the quantised layer at <paramref name="path"/>.</summary>
    public ActivationRange Input(string path) => Find(inputs, path, "input");

    /// <summary>The range of the output of the module at <paramref name="path"/>.</summary>
    public ActivationRange Output(string path) => Find(outputs, path, "output");

    private ActivationRange Find(Dictionary<string, ActivationRange> ranges, string path, string what) =>
        ranges.TryGetValue(path, out var range)
            ? range
            : throw new InvalidOperationException("ONNX export of " + model + ": no calibrated " + what + " range for layer '" + path + "' (it did not run on the calibration batch)");

    private static void Record(Dictionary<string, ActivationRange> ranges, string name, Tensor value)
    {
        if (!value.is_floating_point() || value.numel() == 0)
        {
            return;
        }

        using var scope = NewDisposeScope();
        var range = new ActivationRange(value.min().item<float>(), value.max().item<float>());
        ranges[name] = ranges.TryGetValue(name, out var earlier) ? earlier.Union(range) : range;
    }
}
