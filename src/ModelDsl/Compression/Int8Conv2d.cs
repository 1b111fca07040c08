using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// A Conv2d whose weight is stored as int8, symmetric per output channel (as <see cref="Int8Linear.QuantizeWeight"/>).
/// Until it is calibrated the weight is dequantised once to float32 when it is loaded or quantised (<see cref="Refresh"/>)
/// and the convolution computes in float32. Once calibrated (<see cref="Calibrate"/>, or <see cref="Int8Calibration.Run"/>
/// over a whole model) it computes in int8: the input is quantised to uint8 at the calibrated static scale, libtorch's
/// <c>quantized::conv2d</c> (FBGEMM/oneDNN) convolves it with the packed per-channel int8 weight and requantises the output
/// at the calibrated output scale, which is dequantised to float32 for the next layer. libtorch's int8 convolutions are
/// reachable only through a TorchScript module saved by PyTorch (<see cref="Int8ConvKernels"/>, embedded in this assembly).
/// <para>
/// State dict: <c>weight</c> (int8 [out, in / groups, k, k]), <c>weight_scale</c> (float32 [out]) and <c>bias</c>
/// (float32 [out]) as buffers. The calibration (<see cref="Calibration"/>) is not in the state dict: it belongs to the
/// weights and the data, so loading or quantising weights clears it; calibrate after the weights are in place.
/// The dequantised weight keeps the stored weight's memory format (channels-last after <see cref="ChannelsLast.Apply"/>).
/// </para>
/// </summary>
public sealed partial class Int8Conv2d : LayerBase, IQuantizedLayer
{
    private readonly long[] stride;
    private readonly long[] padding;
    private readonly long[] dilation;
    private Tensor? dequantized;
    private jit.ScriptModule? kernel;
    private (double Scale, long ZeroPoint) inputQuantization;
    private (double Scale, long ZeroPoint) outputQuantization;
    private ActivationRange? observed;

    // The batch norm a calibration pass observes this layer's output through (Int8Calibration.Run passes it).
    private BatchNorm2d? observingNorm;

    /// <summary>An int8-stored square-kernel Conv2d with zero weights (load or <see cref="Quantize"/> its weights).</summary>
    public Int8Conv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool bias = true)
        : base(nameof(Int8Conv2d))
    {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || padding < 0 || dilation < 1 || groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"Int8Conv2d: invalid options (in {inChannels}, out {outChannels}, kernel {kernel}, stride {stride}, padding {padding}, dilation {dilation}, groups {groups})");
        }
        (InChannels, OutChannels, Kernel, Groups) = (inChannels, outChannels, kernel, groups);
        (this.stride, this.padding, this.dilation) = ([stride, stride], [padding, padding], [dilation, dilation]);
        register_buffer("weight", zeros([outChannels, inChannels / groups, kernel, kernel], ScalarType.Int8).DetachFromDisposeScope());
        register_buffer("weight_scale", ones(outChannels).DetachFromDisposeScope());
        if (bias)
        {
            register_buffer("bias", zeros(outChannels).DetachFromDisposeScope());
        }
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }

    /// <summary>Output channels.</summary>
    public long OutChannels { get; }

    /// <summary>Kernel size (square).</summary>
    public long Kernel { get; }

    /// <summary>Groups.</summary>
    public long Groups { get; }

    /// <summary>The int8 weight [out, in / groups, k, k].</summary>
    public Tensor Weight => get_buffer("weight")!;

    /// <summary>The per-output-channel scales [out].</summary>
    public Tensor WeightScale => get_buffer("weight_scale")!;

    /// <summary>The float32 bias [out], or null.</summary>
    public Tensor? Bias => get_buffer("bias");

    /// <summary>The calibrated activation range the int8 kernel runs with, or null while the layer computes in float32.</summary>
    public ActivationRange? Calibration { get; private set; }

    /// <summary>True while a calibration pass (<see cref="BeginObserving"/>) records this layer's ranges.</summary>
    internal bool Observing { get; private set; }

    /// <summary>
    /// Switches the layer to int8 compute with the static activation quantisation that <paramref name="range"/> gives
    /// (input uint8 in [0, 127], output in [0, 255], as <see cref="ActivationRange"/> derives them), packing the stored
    /// weight. Usually <see cref="Int8Calibration.Run"/> does this from observed data; a range saved from an earlier
    /// calibration can be set again here.
    /// </summary>
    public void Calibrate(ActivationRange range) => CalibrateFor(range, null);

    // With the batch norm whose output range the pass also observed (its FoldedOutput): what a fold of that norm needs.
    internal void CalibrateFor(ActivationRange range, BatchNorm2d? norm)
    {
        ArgumentNullException.ThrowIfNull(range);
        var (input, output) = (range.Input, range.Output);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var loaded = kernel ?? Int8ConvKernels.Load();
        try
        {
            var bias = Bias ?? zeros(OutChannels);
            // TorchScript's int comes back as a Scalar.
            using var packed = (Scalar)loaded.invoke(Int8ConvKernels.Pack, Weight.contiguous(), WeightScale.contiguous(), bias.contiguous(), stride[0], padding[0], dilation[0], Groups);
            var packedChannels = packed.ToInt64();
            if (packedChannels != OutChannels)
            {
                throw new InvalidOperationException($"{Describe()}: the int8 kernel packed {packedChannels} output channels, expected {OutChannels}");
            }
        }
        catch when (!ReferenceEquals(loaded, kernel))
        {
            // A module loaded for this call is nobody else's; the layer's own one stays as it was.
            loaded.Dispose();
            throw;
        }

        (kernel, inputQuantization, outputQuantization, Calibration) = (loaded, input, output, range);
        CalibratedWith(norm is not null && range.FoldedOutput is not null ? norm : null);
    }

    /// <summary>Returns the layer to float32 compute with the dequantised weight.</summary>
    public void ClearCalibration()
    {
        kernel?.Dispose();
        (kernel, Calibration) = (null, null);
        CalibratedWith(null);
    }

    /// <summary>Starts recording the input and output range of every forward (float32 compute) until <see cref="EndObserving"/>.</summary>
    /// <param name="norm">The batch norm that alone reads this layer's output, whose output range is recorded too.</param>
    internal void BeginObserving(BatchNorm2d? norm = null)
    {
        ClearCalibration();
        (Observing, observed, observingNorm) = (true, null, norm);
    }

    /// <summary>Stops recording and returns the range seen, or null when no forward ran.</summary>
    internal ActivationRange? EndObserving()
    {
        (Observing, observingNorm) = (false, null);
        return observed;
    }

    /// <inheritdoc />
    public void Quantize(Tensor weight, Tensor? bias)
    {
        QuantizedLayers.CheckWeight(Describe(), [OutChannels, InChannels / Groups, Kernel, Kernel], weight, bias, Bias is not null);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (q, scale) = Int8Linear.QuantizeWeight(weight);
        Weight.copy_(q);
        WeightScale.copy_(scale);
        Bias?.copy_(bias!);
        Refresh();
    }

    /// <inheritdoc />
    public void Refresh()
    {
        // New weights: the packed copy and the ranges observed with the old ones no longer apply, nor a folded copy.
        ClearCalibration();
        fold?.Invalidate();
        dequantized?.Dispose();
        dequantized = Dequantize().DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public Tensor Dequantize()
    {
        using var noGrad = no_grad();
        // to() preserves the stored weight's strides (channels-last once ChannelsLast.Apply has run), and so does mul_.
        return Weight.to(ScalarType.Float32).mul_(WeightScale.view(-1, 1, 1, 1));
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        CheckInput(input);
        if (kernel is not null)
        {
            if (input.dtype != ScalarType.Float32 || input.device_type != DeviceType.CPU)
            {
                throw new ArgumentException($"{Describe()} is calibrated for int8 compute, which runs on CPU float32 input, got {input.dtype} on {input.device}; call ClearCalibration() to compute with the dequantised weight in the input's type");
            }
            return kernel.invoke<Tensor>(Int8ConvKernels.Conv, input, inputQuantization.Scale, inputQuantization.ZeroPoint, outputQuantization.Scale, outputQuantization.ZeroPoint);
        }
        if (dequantized is null || dequantized.device != input.device || dequantized.dtype != input.dtype)
        {
            // Made again on the input's device and in its type (a module moved to CUDA, a bfloat16 input): the cached
            // form is a private tensor, which moving the module does not move.
            dequantized?.Dispose();
            using var dequantizeScope = NewDisposeScope();
            dequantized = Dequantize().to(input.dtype, input.device).DetachFromDisposeScope();
        }
        using var bias = Bias is { } stored && (stored.device != input.device || stored.dtype != input.dtype) ? stored.to(input.dtype, input.device) : null;
        var output = nn.functional.conv2d(input, dequantized, bias ?? Bias, stride, padding, dilation, Groups);
        if (Observing)
        {
            Observe(input, output);
        }
        return output;
    }

    // What forward and the folded forward (ForwardFolded) both take.
    private void CheckInput(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != InChannels)
        {
            throw ShapeError($"[N, {InChannels}, H, W]", input);
        }
        if (!input.is_floating_point())
        {
            // The dequantised weight would be cast to the input's integer type, every |w| < 1 truncated to 0.
            throw new ArgumentException($"{Describe()} takes floating-point input, got {input.dtype}");
        }
    }

    private void Observe(Tensor input, Tensor output)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (inMin, inMax) = (input.min().item<float>(), input.max().item<float>());
        var (outMin, outMax) = (output.min().item<float>(), output.max().item<float>());
        if (!float.IsFinite(inMin) || !float.IsFinite(inMax) || !float.IsFinite(outMin) || !float.IsFinite(outMax))
        {
            throw new ArgumentException($"{Describe()}: the calibration batch gives NaN or infinity at this layer's input or output; nothing was calibrated");
        }
        var seen = new ActivationRange(inMin, inMax, outMin, outMax);
        if (observingNorm is { } norm)
        {
            using var normalized = EvalNorm(norm, output);
            var (foldedMin, foldedMax) = (normalized.min().item<float>(), normalized.max().item<float>());
            if (!float.IsFinite(foldedMin) || !float.IsFinite(foldedMax))
            {
                throw new ArgumentException($"{Describe()}: the calibration batch gives NaN or infinity after its batch norm; nothing was calibrated");
            }
            seen = seen with { FoldedOutputMin = foldedMin, FoldedOutputMax = foldedMax };
        }
        observed = observed is null ? seen : observed.Union(seen);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            dequantized?.Dispose();
            kernel?.Dispose();
            Unfold();
        }
        base.Dispose(disposing);
    }
}
