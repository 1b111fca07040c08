using System.Globalization;
using static TorchSharp.torch;
using Attribute = ModelDsl.Onnx.OnnxGraph.Attribute;

namespace ModelDsl.Onnx;

// The quantised layers in ONNX. int8 variants are written in QDQ form, the form ONNX Runtime fuses into its int8 kernels
// (QLinearConv, QGemm, MatMulIntegerToFloat): every quantised layer reads its input through QuantizeLinear → DequantizeLinear
// (uint8, the scale and zero point from the calibrated range) and its weight through DequantizeLinear of the variant's own
// int8 values and per-channel scales (axis 0, zero points 0); a bias is int32 at scale input × weight. ONNX Runtime fuses
// a convolution only when its output is quantised too, so a convolution group — the Conv, the BatchNorm after it (folded
// into the scales and bias) and a ReLU after that — ends in QuantizeLinear → DequantizeLinear at the group's calibrated
// output range; a Linear's output stays float. A residual add reads its inputs' quantised copies where they exist (see
// Add), which lets ONNX Runtime keep a ResNet's whole residual path in int8. int4 variants are written with their dequantised float weights.
public sealed partial class OnnxExport
{
    // A float value's dequantised copy and its scale, made once however many layers read it (a DQ output maps to itself).
    private readonly Dictionary<string, (string Value, float Scale)> dequantised = new(StringComparer.Ordinal);
    private Calibration? calibration;

    /// <summary>
    /// The calibration pass of an int8 variant's QDQ export: runs the module (in inference mode, without gradients) on
    /// <paramref name="batch"/> and records the range of every quantised layer's input and every module's output, from
    /// which the activations' static uint8 scales are set.
    /// </summary>
    /// <param name="batch">Representative inputs <c>[n, ..dims]</c>: float32 (int64 token ids where <paramref name="tokens"/>).</param>
    /// <param name="dims">The model's per-sample input shape.</param>
    /// <param name="tokens">True for a token-id input.</param>
    /// <exception cref="ArgumentNullException">No batch (the message says one is needed and its shape).</exception>
    /// <exception cref="ArgumentException">The batch has the wrong shape or type, or an activation is not finite on it.</exception>
    public void Calibrate(Tensor? batch, int[] dims, bool tokens = false)
    {
        ArgumentNullException.ThrowIfNull(dims);
        calibration = Calibration.Run(module, batch, dims, tokens, model);
    }

    /// <summary>The message of an int8 variant's export without a calibration batch.</summary>
    public static string NeedsCalibration(string modelName, int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        return string.Format(
            CultureInfo.InvariantCulture,
            "ONNX export of {0}: an int8 variant exports as QDQ with static activation scales, which need a calibration batch: call ExportOnnx(path, calibration) with representative inputs [n, {1}]",
            modelName,
            string.Join(", ", dims));
    }

    /// <summary>
    /// An <see cref="Int8Conv2d"/> in QDQ form, with the BatchNorm at <paramref name="norm"/> that follows it folded in
    /// (scale γ/√(var + eps) per channel multiplies the weight scales; the shift becomes the bias) and the ReLU at
    /// <paramref name="relu"/> after that, its output quantised at the group's calibrated output range.
    /// </summary>
    /// <remarks>
    /// A channel whose BatchNorm scale is negative keeps a positive weight scale by negating its int8 values (−128
    /// saturates to 127, one step on that value).
    /// </remarks>
    public string QuantizedConv(
        string path, string x, int[] output, string weight, string scale, string? bias, int kernel, int stride, int padding, int dilation, int groups, string? norm = null, double eps = 1e-5, string? relu = null)
    {
        var ranges = Ranges();
        var (input, inputScale) = Dequantised(path, x, ranges.Input(path));
        var values = Int8Values(weight);
        var dims = Dims(weight);
        var channels = (int)dims[0];
        var scales = FloatData(scale);
        var shift = bias is null ? new float[channels] : FloatData(bias);
        var signed = false;
        if (norm is not null)
        {
            var gamma = weights.ContainsKey(norm + ".weight") ? FloatData(norm + ".weight") : Enumerable.Repeat(1f, channels).ToArray();
            var beta = weights.ContainsKey(norm + ".bias") ? FloatData(norm + ".bias") : new float[channels];
            var mean = FloatData(norm + ".running_mean");
            var variance = FloatData(norm + ".running_var");
            var perChannel = values.Length / channels;
            for (var c = 0; c < channels; c++)
            {
                var factor = gamma[c] / Math.Sqrt(variance[c] + eps);
                shift[c] = (float)(((shift[c] - mean[c]) * factor) + beta[c]);
                scales[c] = (float)(scales[c] * Math.Abs(factor));
                if (factor < 0)
                {
                    signed = true;
                    for (var i = c * perChannel; i < (c + 1) * perChannel; i++)
                    {
                        values[i] = (sbyte)Math.Min(127, -values[i]);
                    }
                }
            }
        }

        var spatial = dims.Length - 2;
        var w = WeightDq(path, signed ? weight + "/sign_folded" : weight, values, dims, scales, axis: 0);
        string[] inputs = bias is null && norm is null ? [input, w] : [input, w, BiasDq(path, shift, inputScale, scales)];
        var y = Annotated(
            graph.Node(
                "Conv",
                path,
                path,
                inputs,
                Attribute.Of("kernel_shape", Repeat(kernel, spatial)),
                Attribute.Of("strides", Repeat(stride, spatial)),
                Attribute.Of("pads", Repeat(padding, 2 * spatial)),
                Attribute.Of("dilations", Repeat(dilation, spatial)),
                Attribute.Of("group", (long)groups)),
            output);
        if (relu is not null)
        {
            y = Annotated(graph.Node("Relu", relu, relu, [y]), output);
        }

        return Annotated(Dequantised(relu ?? norm ?? path, y, ranges.Output(relu ?? norm ?? path)).Value, output);
    }

    /// <summary>
    /// An <see cref="Int8Linear"/> in QDQ form: Gemm on vectors (int32 bias), MatMul with the int8 weight transposed
    /// (dequantised along axis 1) and a float bias Add on sequences; the output is float.
    /// </summary>
    public string QuantizedLinear(string path, string x, int[] output, string weight, string scale, string? bias)
    {
        var (input, inputScale) = Dequantised(path, x, Ranges().Input(path));
        var values = Int8Values(weight);
        var dims = Dims(weight);
        var scales = FloatData(scale);
        if (output.Length == 1)
        {
            var w = WeightDq(path, weight, values, dims, scales, axis: 0);
            string[] inputs = bias is null ? [input, w] : [input, w, BiasDq(path, FloatData(bias), inputScale, scales)];
            return Annotated(graph.Node("Gemm", path, path, inputs, Attribute.Of("transB", 1L)), output);
        }

        var (rows, columns) = ((int)dims[0], (int)dims[1]);
        var transposed = new sbyte[values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                transposed[(c * rows) + r] = values[(r * columns) + c];
            }
        }

        var wt = WeightDq(path, weight + "/T", transposed, [columns, rows], scales, axis: 1);
        if (bias is null)
        {
            return Annotated(graph.Node("MatMul", path, path, [input, wt]), output);
        }

        var product = graph.Node("MatMul", path + "/MatMul", path + "/MatMul", [input, wt]);
        return Annotated(graph.Node("Add", path, path, [product, Weight(bias)]), output);
    }

    /// <summary>An <see cref="Int4Linear"/> (or any quantised Linear) as a float Linear with its dequantised weight, under <c>path.weight</c>.</summary>
    public string DequantizedLinear(string path, string x, int[] output, string? bias)
    {
        var layer = module.named_modules().FirstOrDefault(m => m.name == path).module as IQuantizedLayer
            ?? throw new InvalidOperationException("ONNX export of " + model + ": the module has no quantised layer at '" + path + "'");
        using var scope = NewDisposeScope();
        var dense = layer.Dequantize().cpu().contiguous();
        var name = graph.Initializer(path + ".weight", dense.data<float>().ToArray(), dense.shape);
        return FloatLinear(path, x, output, name, bias);
    }

    /// <summary>An <see cref="NMConv2d"/> (or any quantised convolution) as a float Conv with its decompressed weight, under <c>path.weight</c>.</summary>
    public string DequantizedConv(string path, string x, int[] output, string? bias, int kernel, int stride, int padding, int dilation, int groups)
    {
        var layer = module.named_modules().FirstOrDefault(m => m.name == path).module as IQuantizedLayer
            ?? throw new InvalidOperationException("ONNX export of " + model + ": the module has no quantised layer at '" + path + "'");
        using (var scope = NewDisposeScope())
        {
            var dense = layer.Dequantize().cpu().contiguous();
            graph.Initializer(path + ".weight", dense.data<float>().ToArray(), dense.shape);
            weights[path + ".weight"] = dense.DetachFromDisposeScope();
        }

        return Conv(path, x, output, path + ".weight", bias, kernel, stride, padding, dilation, groups);
    }

    private Calibration Ranges() =>
        calibration ?? throw new InvalidOperationException("ONNX export of " + model + ": an int8 layer needs the calibration pass (OnnxExport.Calibrate) first");

    // The dequantised copy of a value where one was made, else the value.
    private string QuantisedCopy(string value) => dequantised.TryGetValue(value, out var known) ? known.Value : value;

    // x through QuantizeLinear → DequantizeLinear at the range's uint8 scale and zero point (once per value).
    private (string Value, float Scale) Dequantised(string path, string x, ActivationRange range)
    {
        if (dequantised.TryGetValue(x, out var known))
        {
            return known;
        }

        var (scale, zeroPoint) = range.Uint8();
        var s = graph.Initializer(graph.Fresh(x + "/scale"), new[] { scale }, []);
        var z = graph.Initializer(graph.Fresh(x + "/zero_point"), new[] { zeroPoint }, []);
        var q = graph.Node("QuantizeLinear", path + "/QuantizeLinear", x + "/quantized", [x, s, z]);
        var dq = graph.Node("DequantizeLinear", path + "/DequantizeLinear", x + "/dequantized", [q, s, z]);
        dequantised[x] = dequantised[dq] = (dq, scale);
        return (dq, scale);
    }

    // DequantizeLinear of int8 weight values with per-channel scales along `axis` and zero points 0.
    private string WeightDq(string path, string name, sbyte[] values, long[] dims, float[] scales, long axis)
    {
        var w = graph.Initializer(name, values, dims);
        var s = graph.Initializer(graph.Fresh(path + "/weight_scale"), scales, [scales.Length]);
        var z = graph.Initializer(graph.Fresh(path + "/weight_zero_point"), new sbyte[scales.Length], [scales.Length]);
        return graph.Node("DequantizeLinear", path + "/DequantizeLinear_weight", path + "/weight_dequantized", [w, s, z], Attribute.Of("axis", axis));
    }

    // The bias as int32 at scale input × weight per channel (what ONNX Runtime's int8 kernels accumulate in), dequantised.
    private string BiasDq(string path, float[] bias, float inputScale, float[] weightScales)
    {
        var scales = weightScales.Select(s => inputScale * s).ToArray();
        var values = bias.Select((b, c) => (int)Math.Clamp(Math.Round(b / (double)scales[c], MidpointRounding.ToEven), int.MinValue, int.MaxValue)).ToArray();
        var q = graph.Initializer(graph.Fresh(path + "/bias_quantized"), values, [values.Length]);
        var s = graph.Initializer(graph.Fresh(path + "/bias_scale"), scales, [scales.Length]);
        var z = graph.Initializer(graph.Fresh(path + "/bias_zero_point"), new int[values.Length], [values.Length]);
        return graph.Node("DequantizeLinear", path + "/DequantizeLinear_bias", path + "/bias_dequantized", [q, s, z], Attribute.Of("axis", 0L));
    }

    // The stored int8 values of a quantised layer's weight, in [out, ...] order (whatever its memory format).
    private sbyte[] Int8Values(string name)
    {
        var tensor = Stored(name);
        if (tensor.dtype != ScalarType.Int8)
        {
            throw new NotSupportedException("ONNX export of " + model + ": tensor '" + name + "' is " + tensor.dtype + "; a quantised layer's weight is int8");
        }

        using var scope = NewDisposeScope();
        return tensor.detach().cpu().contiguous().data<sbyte>().ToArray();
    }

    private float[] FloatData(string name)
    {
        var tensor = Stored(name);
        if (tensor.dtype != ScalarType.Float32)
        {
            throw new NotSupportedException("ONNX export of " + model + ": tensor '" + name + "' is " + tensor.dtype + "; the export reads float32");
        }

        using var scope = NewDisposeScope();
        return tensor.detach().cpu().contiguous().data<float>().ToArray();
    }

    // The module's tensor of this state-dict name, or a clear error naming it.
    private Tensor Stored(string name)
    {
        if (!weights.TryGetValue(name, out var tensor))
        {
            throw new InvalidOperationException("ONNX export of " + model + ": the module has no tensor '" + name + "' (its state dict does not match the generated graph)");
        }

        return tensor.IsInvalid ? throw new ObjectDisposedException(name, "ONNX export of " + model + ": tensor '" + name + "' has been disposed") : tensor;
    }
}
