using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// A Linear whose weight is stored as 4-bit integers, two per byte, with one float32 scale per group of
/// <see cref="GroupSize"/> consecutive input features of each output (symmetric: scale = max|w| / 7.5 over the group,
/// q = clamp(round(w / scale), −8, 7), stored as q + 8; the even input index in the low nibble). On CPU libtorch's int4
/// kernel is much slower than float32, so int4 is a storage format there: the weight is dequantised once to float32 when
/// it is loaded or quantised (<see cref="Refresh"/>) and the layer computes as an ordinary Linear; the file and the state
/// dict are the small part. On CUDA the layer computes with libtorch's int4 kernel (<c>_weight_int4pack_mm</c>: bfloat16
/// activations, result cast back to the input's dtype) when its shape allows it (inputs a multiple of 128, outputs a
/// multiple of 8) and the kernel runs on the device; the packed form is prepared once per device when the weights are
/// refreshed or the layer first runs on a new device, and then no float32 copy is kept on the GPU. Otherwise it computes
/// with the dequantised weight on the device; <see cref="CudaKernelStatus"/> says why, <see cref="RequireCudaKernel"/>
/// makes it an error.
/// <para>
/// State dict: <c>weight_packed</c> (uint8 [out, ⌈in/2⌉]), <c>weight_scale</c> (float32 [out, ⌈in/128⌉]) and
/// <c>bias</c> (float32 [out]) as buffers.
/// </para>
/// </summary>
public sealed class Int4Linear : LayerBase, IQuantizedLayer
{
    /// <summary>Input features per scale (the group size the generated variants' costs use).</summary>
    public const int GroupSize = 128;

    private Tensor? dequantized;
    private Int4CudaWeight? kernel;

    // The device the run-time forms were made for (a moved module's buffers are elsewhere: they are made again).
    private (DeviceType Type, int Index)? preparedFor;

    /// <summary>An int4 linear of the given size with zero weights (load or <see cref="Quantize"/> its weights).</summary>
    public Int4Linear(long inFeatures, long outFeatures, bool hasBias = true) : base(nameof(Int4Linear))
    {
        if (inFeatures < 1 || outFeatures < 1)
        {
            throw new ArgumentException($"Int4Linear needs at least one input and one output feature, got {inFeatures} → {outFeatures}");
        }
        (InFeatures, OutFeatures) = (inFeatures, outFeatures);
        // The zero weight: every nibble holds q + 8 = 8.
        register_buffer("weight_packed", full(outFeatures, (inFeatures + 1) / 2, 0x88, ScalarType.Byte).DetachFromDisposeScope());
        register_buffer("weight_scale", ones(outFeatures, Groups(inFeatures)).DetachFromDisposeScope());
        if (hasBias)
        {
            register_buffer("bias", zeros(outFeatures).DetachFromDisposeScope());
        }
    }

    /// <summary>Input features.</summary>
    public long InFeatures { get; }

    /// <summary>Output features.</summary>
    public long OutFeatures { get; }

    /// <summary>The packed weight [out, ⌈in/2⌉]: two 4-bit values per byte.</summary>
    public Tensor PackedWeight => get_buffer("weight_packed")!;

    /// <summary>The group scales [out, ⌈in/128⌉].</summary>
    public Tensor WeightScale => get_buffer("weight_scale")!;

    /// <summary>The float32 bias [out], or null.</summary>
    public Tensor? Bias => get_buffer("bias");

    /// <summary>True when the forward runs libtorch's int4 CUDA kernel, false when it computes with the dequantised float32 weight.</summary>
    public bool UsesCudaKernel => kernel is not null;

    /// <summary>Why the int4 CUDA kernel is not used (empty when it is), for the device the layer was last refreshed on.</summary>
    public string CudaKernelStatus { get; private set; } = "not refreshed yet";

    /// <summary>
    /// Why libtorch's int4 CUDA kernel cannot compute a Linear of this size, or null when its shape allows it (inputs a
    /// multiple of 128, outputs a multiple of 8); the device and the kernel itself are checked when the layer runs there.
    /// </summary>
    public static string? CudaKernelShapeRefusal(long inFeatures, long outFeatures) => Int4CudaKernel.ShapeRefusal(inFeatures, outFeatures);

    /// <summary>Throws unless the forward runs the int4 CUDA kernel, with the reason (on CPU: the kernel is CUDA-only).</summary>
    /// <exception cref="NotSupportedException">The kernel is not used for this layer here.</exception>
    public void RequireCudaKernel()
    {
        EnsurePrepared();
        if (kernel is null)
        {
            throw new NotSupportedException($"{Describe()} cannot use libtorch's int4 CUDA kernel: {CudaKernelStatus}");
        }
    }

    /// <summary>Number of scale groups along <paramref name="inFeatures"/>.</summary>
    public static long Groups(long inFeatures) => (inFeatures + GroupSize - 1) / GroupSize;

    /// <summary>The int4 values (int8 tensor [out, in], in [−8, 7]) and group scales [out, ⌈in/128⌉] of <paramref name="weight"/>.</summary>
    public static (Tensor Values, Tensor Scales) QuantizeWeight(Tensor weight)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var w = weight.detach().to(ScalarType.Float32);
        var (rows, columns) = (w.shape[0], w.shape[1]);
        var groups = Groups(columns);
        var padded = nn.functional.pad(w, [0, (groups * GroupSize) - columns]).view(rows, groups, GroupSize);
        var scale = padded.abs().amax([2]).div(7.5f).clamp_min(Int8Linear.Epsilon);
        var q = padded.mul(scale.reciprocal().unsqueeze(2)).round().clamp(-8, 7).view(rows, groups * GroupSize).narrow(1, 0, columns);
        return (q.to(ScalarType.Int8).MoveToOuterDisposeScope(), scale.MoveToOuterDisposeScope());
    }

    /// <summary>Packs int4 values [out, in] (int8 tensor in [−8, 7]) two per byte: [out, ⌈in/2⌉] uint8, even index in the low nibble.</summary>
    public static Tensor Pack(Tensor values)
    {
        using var scope = NewDisposeScope();
        var v = values.to(ScalarType.Int16).add(8);
        if (v.shape[1] % 2 == 1)
        {
            v = nn.functional.pad(v, [0, 1], value: 8);
        }
        var pairs = v.view(v.shape[0], v.shape[1] / 2, 2);
        var bytes = pairs.select(2, 0).add(pairs.select(2, 1).mul(16));
        return bytes.to(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    /// <summary>The int4 values [out, <paramref name="inFeatures"/>] (int8 tensor in [−8, 7]) of a packed weight.</summary>
    public static Tensor Unpack(Tensor packed, long inFeatures)
    {
        using var scope = NewDisposeScope();
        var bytes = packed.to(ScalarType.Int16);
        var low = bytes.bitwise_and(15);
        var high = bytes.bitwise_right_shift(4);
        var values = stack([low, high], 2).view(packed.shape[0], packed.shape[1] * 2).narrow(1, 0, inFeatures).sub(8);
        return values.to(ScalarType.Int8).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Quantize(Tensor weight, Tensor? bias)
    {
        QuantizedLayers.CheckWeight(Describe(), [OutFeatures, InFeatures], weight, bias, Bias is not null);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (q, scale) = QuantizeWeight(weight);
        PackedWeight.copy_(Pack(q));
        WeightScale.copy_(scale);
        Bias?.copy_(bias!);
        Refresh();
    }

    /// <inheritdoc />
    public void Refresh()
    {
        dequantized?.Dispose();
        kernel?.Dispose();
        kernel = null;
        var stored = PackedWeight;
        dequantized = Dequantize().DetachFromDisposeScope();
        preparedFor = (stored.device_type, stored.device_index);
        if (stored.device_type != DeviceType.CUDA)
        {
            CudaKernelStatus = $"the weight is on {stored.device}: libtorch's int4 kernel is CUDA-only, so on {stored.device} the layer computes with its weight dequantised once to float32";
            return;
        }
        if (Int4CudaKernel.ShapeRefusal(InFeatures, OutFeatures) is { } refusal)
        {
            CudaKernelStatus = refusal + "; computing with the dequantised float32 weight";
            return;
        }
        kernel = Int4CudaKernel.TryPrepare(stored, WeightScale, dequantized, out var why);
        CudaKernelStatus = why;
        if (kernel is not null)
        {
            // The kernel reads the packed weight itself: the float32 copy (8× the int4 bytes) is not kept on the GPU.
            dequantized.Dispose();
            dequantized = null;
        }
    }

    private void EnsurePrepared()
    {
        var stored = PackedWeight;
        if (preparedFor != (stored.device_type, stored.device_index))
        {
            Refresh();
        }
    }

    /// <inheritdoc />
    public Tensor Dequantize()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var values = Unpack(PackedWeight, InFeatures).to(ScalarType.Float32);
        var scales = WeightScale.repeat_interleave(GroupSize, 1).narrow(1, 0, InFeatures);
        return values.mul_(scales).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() == 0 || input.shape[^1] != InFeatures)
        {
            throw ShapeError($"[*, {InFeatures}]", input);
        }
        EnsurePrepared();
        if (kernel is null)
        {
            return nn.functional.linear(input, dequantized!, Bias);
        }
        if (!QuantizedLayers.SameDevice(input, PackedWeight))
        {
            throw new ArgumentException($"{Describe()} is on {PackedWeight.device} (libtorch's int4 kernel), its input on {input.device}");
        }
        using var scope = NewDisposeScope();
        var rows = input.reshape(-1, InFeatures).to(ScalarType.BFloat16).contiguous();
        var y = Int4CudaKernel.MatMul(rows, kernel.Weight, kernel.ScalesAndZeros).to(input.dtype);
        if (Bias is { } bias)
        {
            y = y.add(bias.to(y.dtype));
        }
        var shape = input.shape.ToArray();
        shape[^1] = OutFeatures;
        return y.reshape(shape).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            dequantized?.Dispose();
            kernel?.Dispose();
        }
        base.Dispose(disposing);
    }
}
