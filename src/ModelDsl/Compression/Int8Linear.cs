using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// An inference-only Linear with int8 weights and dynamic int8 activations, computed by libtorch's
/// <c>quantized::linear_dynamic</c> (FBGEMM), the kernel of PyTorch's <c>quantize_dynamic</c>. Weights are quantised
/// symmetrically per output channel, as PyTorch's <c>per_channel_dynamic_qconfig</c> does (scale = max|w| / 127.5, zero
/// point 0, values in [-128, 127]), and packed with their per-channel scales and the bias once (<see cref="Refresh"/>).
/// The input is quantised per call to uint8 over its own range (what "dynamic" means): with all 8 bits on a CPU with
/// VNNI, with 7 on an x86 CPU without it, whose int8 instructions could overflow (as PyTorch's x86 configuration does).
/// <para>
/// The kernel is a CPU kernel for float32 input. On another device (a CUDA GPU) or for another input type the layer
/// computes with its dequantised weight in the input's type on the input's device — int8 is then the storage format
/// only, as int4 is on CPU; <see cref="ComputesInInt8"/> says which an input gets.
/// </para>
/// <para>
/// State dict: <c>weight</c> (int8 [out, in]), <c>weight_scale</c> (float32 [out]) and <c>bias</c> (float32 [out]) as
/// buffers; the packed weight is derived from them (<see cref="Refresh"/>) and not stored.
/// </para>
/// </summary>
public sealed class Int8Linear : LayerBase, IQuantizedLayer
{
    // PyTorch's observers floor a scale at float32's machine epsilon (torch.finfo(torch.float32).eps).
    internal const float Epsilon = 1.1920929e-07f;

    // The loaded kernel module holding the packed weight (CPU only), made by Refresh.
    private jit.ScriptModule? kernel;
    private readonly Lock packing = new();
    private Tensor? dequantized;

    /// <summary>An int8 linear of the given size with zero weights (load or <see cref="Quantize"/> its weights).</summary>
    public Int8Linear(long inFeatures, long outFeatures, bool hasBias = true) : base(nameof(Int8Linear))
    {
        if (inFeatures < 1 || outFeatures < 1)
        {
            throw new ArgumentException($"Int8Linear needs at least one input and one output feature, got {inFeatures} → {outFeatures}");
        }
        (InFeatures, OutFeatures) = (inFeatures, outFeatures);
        register_buffer("weight", zeros(outFeatures, inFeatures, ScalarType.Int8).DetachFromDisposeScope());
        register_buffer("weight_scale", ones(outFeatures).DetachFromDisposeScope());
        if (hasBias)
        {
            register_buffer("bias", zeros(outFeatures).DetachFromDisposeScope());
        }
    }

    /// <summary>Input features.</summary>
    public long InFeatures { get; }

    /// <summary>Output features.</summary>
    public long OutFeatures { get; }

    /// <summary>The int8 weight [out, in].</summary>
    public Tensor Weight => get_buffer("weight")!;

    /// <summary>The per-output-channel scales [out]: weight ≈ <see cref="Weight"/> × scale.</summary>
    public Tensor WeightScale => get_buffer("weight_scale")!;

    /// <summary>The float32 bias [out], or null.</summary>
    public Tensor? Bias => get_buffer("bias");

    /// <summary>Bytes of the stored tensors: out × in int8 values, out float32 scales, out float32 biases.</summary>
    public long StoredBytes => (OutFeatures * InFeatures) + (OutFeatures * 4) + (Bias is null ? 0 : OutFeatures * 4);

    /// <summary>
    /// The symmetric per-channel int8 form of <paramref name="weight"/> (dim 0 indexes the output channels: a Linear's
    /// [out, in], a convolution's [out, in / groups, k, k]): scale = max(max|w|/127.5, ε) per output channel and
    /// q = clamp(round(w × (1 / scale)), −128, 127), as PyTorch's per-channel symmetric qint8 observer and quantiser compute them.
    /// </summary>
    public static (Tensor Values, Tensor Scales) QuantizeWeight(Tensor weight)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var w = weight.detach().to(ScalarType.Float32);
        var scale = w.abs().flatten(1).amax([1]).div(127.5f).clamp_min(Epsilon);
        var perChannel = scale.reciprocal().view([-1, .. Enumerable.Repeat(1L, (int)w.dim() - 1)]);
        var q = w.mul(perChannel).round().clamp(-128, 127).to(ScalarType.Int8);
        return (q.MoveToOuterDisposeScope(), scale.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public void Quantize(Tensor weight, Tensor? bias)
    {
        QuantizedLayers.CheckWeight(Describe(), [OutFeatures, InFeatures], weight, bias, Bias is not null);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (q, scale) = QuantizeWeight(weight);
        Weight.copy_(q);
        WeightScale.copy_(scale);
        Bias?.copy_(bias!);
        Refresh();
    }

    /// <inheritdoc />
    public void Refresh()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        kernel?.Dispose();
        kernel = null;
        dequantized?.Dispose();
        dequantized = null;
        if (Weight.device_type != DeviceType.CPU)
        {
            // The int8 kernel packs on CPU only; this device computes with the dequantised weight (made at the first forward).
            return;
        }

        var bias = Bias ?? zeros(OutFeatures);
        kernel = EmbeddedModules.LoadPacked(
            Int8LinearKernels.ResourceName,
            module =>
            {
                // TorchScript's int comes back as a Scalar.
                using var packed = (Scalar)module.invoke(Int8LinearKernels.Pack, Weight.contiguous(), WeightScale.contiguous(), bias.contiguous());
                return packed.ToInt64();
            },
            OutFeatures,
            Describe());
    }

    /// <inheritdoc />
    public Tensor Dequantize()
    {
        using var noGrad = no_grad();
        return Weight.to(ScalarType.Float32).mul_(WeightScale.unsqueeze(1));
    }

    /// <summary>Whether <paramref name="input"/> is computed by the int8 kernel (CPU float32) or with the dequantised weight.</summary>
    public static bool ComputesInInt8(Tensor input) => input.dtype == ScalarType.Float32 && input.device_type == DeviceType.CPU;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() == 0 || input.shape[^1] != InFeatures)
        {
            throw ShapeError($"[*, {InFeatures}]", input);
        }
        if (!input.is_floating_point())
        {
            // The dequantised weight would be cast to the input's integer type, every |w| < 1 truncated to 0.
            throw new ArgumentException($"{Describe()} takes floating-point input, got {input.dtype}");
        }
        if (!ComputesInInt8(input))
        {
            return DequantizedLinear(input);
        }
        if (Weight.device_type != DeviceType.CPU)
        {
            throw new ArgumentException($"{Describe()}: the input is on CPU but the layer is on {Weight.device}; move one of them");
        }
        var packed = kernel;
        if (packed is null)
        {
            // Packed here only when nothing packed it yet; under a lock, since eval forwards may run on several threads
            // at once and a second Refresh would dispose the module the first thread is about to call.
            lock (packing)
            {
                if (kernel is null)
                {
                    Refresh();
                }

                packed = kernel!;
            }
        }
        using var scope = NewDisposeScope();
        // quantized::linear_dynamic has no autograd formula: an input that records gradients (a float layer's parameters
        // before this one) would give an output that claims to, whose backward warns on stderr ("an autograd kernel was
        // not registered") and leaves the gradients before it null. Inference only: the output records none.
        var x = input.dim() == 1 ? input.detach().unsqueeze(0) : input.detach();
        var y = packed.invoke<Tensor>(Int8LinearKernels.Linear, x.contiguous(), Int8LinearKernels.ReduceRange);
        return (input.dim() == 1 ? y.squeeze(0) : y).MoveToOuterDisposeScope();
    }

    // The weight dequantised once per device and type (kept until the next Refresh or move), the bias in the same type.
    private Tensor DequantizedLinear(Tensor input)
    {
        if (dequantized is null || dequantized.device != input.device || dequantized.dtype != input.dtype)
        {
            dequantized?.Dispose();
            using var scope = NewDisposeScope();
            dequantized = Dequantize().to(input.dtype, input.device).DetachFromDisposeScope();
        }

        // Converted only where it differs: to() may hand back the buffer itself, which must not be disposed here.
        using var converted = Bias is { } stored && (stored.device != input.device || stored.dtype != input.dtype) ? stored.to(input.dtype, input.device) : null;
        return nn.functional.linear(input, dequantized, converted ?? Bias);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            kernel?.Dispose();
            dequantized?.Dispose();
        }
        base.Dispose(disposing);
    }
}
