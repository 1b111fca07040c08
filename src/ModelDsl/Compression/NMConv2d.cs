using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// A square-kernel Conv2d whose weight [out, in / groups, k, k] is N:M sparse along its reduction dimension (read as
/// [out, in / groups · k · k]) and stored compressed (<see cref="NMWeights"/>); decompressed once to a dense float32
/// weight when loaded or compressed (<see cref="Refresh"/>), so it computes as an ordinary convolution (oneDNN on CPU).
/// <para>
/// State dict: <c>weight_values</c> (float32 [out, R·N/M]), <c>weight_indices</c> (uint8 [out, ⌈(R·N/M)/P⌉]) and
/// <c>bias</c> (float32 [out]) as buffers.
/// </para>
/// </summary>
public sealed class NMConv2d : LayerBase, IQuantizedLayer
{
    private readonly long[] stride;
    private readonly long[] padding;
    private readonly long[] dilation;
    private Tensor? dense;

    /// <summary>An N:M Conv2d with zero weights (load or <see cref="Quantize"/> its weights).</summary>
    /// <exception cref="ArgumentException">Invalid options, not 1 ≤ N &lt; M ≤ 256, or M does not divide the reduction dimension.</exception>
    public NMConv2d(long inChannels, long outChannels, long kernel, int n, int m, long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool bias = true)
        : base(nameof(NMConv2d))
    {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || padding < 0 || dilation < 1 || groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"NMConv2d: invalid options (in {inChannels}, out {outChannels}, kernel {kernel}, stride {stride}, padding {padding}, dilation {dilation}, groups {groups})");
        }
        var reduction = inChannels / groups * kernel * kernel;
        NMWeights.Check(nameof(NMConv2d), reduction, n, m);
        (InChannels, OutChannels, Kernel, Groups, N, M) = (inChannels, outChannels, kernel, groups, n, m);
        (this.stride, this.padding, this.dilation) = ([stride, stride], [padding, padding], [dilation, dilation]);
        register_buffer("weight_values", zeros(outChannels, NMWeights.Kept(reduction, n, m)).DetachFromDisposeScope());
        register_buffer("weight_indices", NMWeights.FirstPositions(outChannels, reduction, n, m).DetachFromDisposeScope());
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

    /// <summary>Weights kept per group of M.</summary>
    public int N { get; }

    /// <summary>Group length along the reduction dimension.</summary>
    public int M { get; }

    /// <summary>The kept values [out, R·N/M].</summary>
    public Tensor Values => get_buffer("weight_values")!;

    /// <summary>The packed in-group positions.</summary>
    public Tensor Indices => get_buffer("weight_indices")!;

    /// <summary>The float32 bias [out], or null.</summary>
    public Tensor? Bias => get_buffer("bias");

    /// <summary>False: libtorch's semi-structured kernels are matrix products; a convolution computes dense on every device.</summary>
    public bool UsesSemiStructured => false;

    /// <summary>Why the semi-structured kernel is not used: there is none for convolutions.</summary>
    public string SemiStructuredStatus =>
        "libtorch's semi-structured 2:4 kernels are matrix products (cuSPARSELt), not convolutions: an N:M Conv2d computes with its decompressed dense weight on every device";

    /// <summary>Throws: no semi-structured kernel computes a convolution (see <see cref="SemiStructuredStatus"/>).</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public void RequireSemiStructured() =>
        throw new NotSupportedException($"{Describe()} cannot use a semi-structured {N}:{M} kernel: {SemiStructuredStatus}");

    private long Reduction => InChannels / Groups * Kernel * Kernel;

    /// <summary>Keeps the N largest |w| of every group of M along the reduction dimension of <paramref name="weight"/> and stores them compressed, with <paramref name="bias"/>.</summary>
    public void Quantize(Tensor weight, Tensor? bias)
    {
        QuantizedLayers.CheckWeight(Describe(), [OutChannels, InChannels / Groups, Kernel, Kernel], weight, bias, Bias is not null);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (values, indices) = NMWeights.Compress(weight.contiguous(), N, M);
        Values.copy_(values);
        Indices.copy_(indices);
        Bias?.copy_(bias!);
        Refresh();
    }

    /// <inheritdoc />
    public void Refresh()
    {
        dense?.Dispose();
        dense = Dequantize().DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public Tensor Dequantize()
    {
        using var scope = NewDisposeScope();
        var weight = NMWeights.Decompress(Values, Indices, Reduction, N, M).view(OutChannels, InChannels / Groups, Kernel, Kernel);
        return weight.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != InChannels)
        {
            throw ShapeError($"[N, {InChannels}, H, W]", input);
        }
        if (dense is null || !QuantizedLayers.SameDevice(dense, Values))
        {
            Refresh();
        }
        return nn.functional.conv2d(input, dense!, Bias, stride, padding, dilation, Groups);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            dense?.Dispose();
        }
        base.Dispose(disposing);
    }
}
