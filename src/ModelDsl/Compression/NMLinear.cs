using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// A Linear whose weight is N:M sparse and stored compressed (<see cref="NMWeights"/>: the kept values and their packed
/// in-group positions). On CPU the weight is decompressed once to a dense float32 tensor when it is loaded or compressed
/// (<see cref="Refresh"/>) and the layer computes as an ordinary Linear: N:M is a storage format there. On CUDA, a 2:4
/// layer uses libtorch's semi-structured kernels when they run on the device (tried at <see cref="Refresh"/> or on the
/// first forward on a new device, with one probe product checked against the dense weight; out and in features must be
/// multiples of 8; float32 input); <see cref="SemiStructuredStatus"/> says why not, <see cref="RequireSemiStructured"/>
/// makes their absence an error.
/// <para>
/// State dict: <c>weight_values</c> (float32 [out, in·N/M]), <c>weight_indices</c> (uint8 [out, ⌈(in·N/M)/P⌉]) and
/// <c>bias</c> (float32 [out]) as buffers.
/// </para>
/// </summary>
public sealed class NMLinear : LayerBase, IQuantizedLayer
{
    private Tensor? dense;
    private Tensor? compressed;

    /// <summary>An N:M linear of the given size with zero weights (load or <see cref="Quantize"/> its weights).</summary>
    /// <exception cref="ArgumentException">Not 1 ≤ N &lt; M ≤ 256, or M does not divide <paramref name="inFeatures"/>.</exception>
    public NMLinear(long inFeatures, long outFeatures, int n, int m, bool hasBias = true) : base(nameof(NMLinear))
    {
        if (inFeatures < 1 || outFeatures < 1)
        {
            throw new ArgumentException($"NMLinear needs at least one input and one output feature, got {inFeatures} → {outFeatures}");
        }
        NMWeights.Check(nameof(NMLinear), inFeatures, n, m);
        (InFeatures, OutFeatures, N, M) = (inFeatures, outFeatures, n, m);
        register_buffer("weight_values", zeros(outFeatures, NMWeights.Kept(inFeatures, n, m)).DetachFromDisposeScope());
        register_buffer("weight_indices", NMWeights.FirstPositions(outFeatures, inFeatures, n, m).DetachFromDisposeScope());
        if (hasBias)
        {
            register_buffer("bias", zeros(outFeatures).DetachFromDisposeScope());
        }
    }

    /// <summary>Input features.</summary>
    public long InFeatures { get; }

    /// <summary>Output features.</summary>
    public long OutFeatures { get; }

    /// <summary>Weights kept per group.</summary>
    public int N { get; }

    /// <summary>Group length along the inputs.</summary>
    public int M { get; }

    /// <summary>The kept values [out, in·N/M].</summary>
    public Tensor Values => get_buffer("weight_values")!;

    /// <summary>The packed in-group positions [out, ⌈(in·N/M)/P⌉].</summary>
    public Tensor Indices => get_buffer("weight_indices")!;

    /// <summary>The float32 bias [out], or null.</summary>
    public Tensor? Bias => get_buffer("bias");

    /// <summary>True when the forward runs libtorch's semi-structured 2:4 kernel (CUDA), false when it computes dense.</summary>
    public bool UsesSemiStructured => compressed is not null;

    /// <summary>Why the semi-structured kernel is not used (empty when it is).</summary>
    public string SemiStructuredStatus { get; private set; } = "not refreshed yet";

    /// <summary>Throws unless the forward runs the semi-structured kernel, with the reason (on CPU: CUDA-only kernels).</summary>
    /// <exception cref="NotSupportedException">The kernel is not available for this layer here.</exception>
    public void RequireSemiStructured()
    {
        if (dense is null || !QuantizedLayers.SameDevice(dense, Values))
        {
            Refresh();
        }
        if (compressed is null)
        {
            throw new NotSupportedException($"{Describe()} cannot use the semi-structured {N}:{M} kernel: {SemiStructuredStatus}");
        }
    }

    /// <summary>Keeps the N largest |w| of every group of M inputs of <paramref name="weight"/> [out, in] and stores them compressed, with <paramref name="bias"/>.</summary>
    public void Quantize(Tensor weight, Tensor? bias)
    {
        QuantizedLayers.CheckWeight(Describe(), [OutFeatures, InFeatures], weight, bias, Bias is not null);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (values, indices) = NMWeights.Compress(weight, N, M);
        Values.copy_(values);
        Indices.copy_(indices);
        Bias?.copy_(bias!);
        Refresh();
    }

    /// <inheritdoc />
    public void Refresh()
    {
        dense?.Dispose();
        compressed?.Dispose();
        dense = Dequantize().DetachFromDisposeScope();
        compressed = ModelDsl.SemiStructured.TryCompress(dense, N, M, out var why);
        SemiStructuredStatus = why;
    }

    /// <inheritdoc />
    public Tensor Dequantize() => NMWeights.Decompress(Values, Indices, InFeatures, N, M);

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() == 0 || input.shape[^1] != InFeatures)
        {
            throw ShapeError($"[*, {InFeatures}]", input);
        }
        if (dense is null || !QuantizedLayers.SameDevice(dense, Values))
        {
            Refresh();
        }
        // The compressed weight is float32 on its device: any other input computes dense (as a Linear would, or fails as it would).
        if (compressed is null || input.dtype != ScalarType.Float32 || !QuantizedLayers.SameDevice(input, compressed))
        {
            return nn.functional.linear(input, dense!, Bias);
        }
        using var scope = NewDisposeScope();
        var y = ModelDsl.SemiStructured.Linear(compressed, input.reshape(-1, InFeatures).contiguous());
        if (Bias is { } bias)
        {
            y = y.add(bias);
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
            dense?.Dispose();
            compressed?.Dispose();
        }
        base.Dispose(disposing);
    }
}
