using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// A Conv2d whose weight is stored as int8, symmetric per output channel (as <see cref="Int8Linear.QuantizeWeight"/>),
/// and dequantised once to float32 when it is loaded or quantised (<see cref="Refresh"/>): the convolution computes in
/// float32 through libtorch's oneDNN kernels. libtorch's int8 convolutions (<c>quantized::conv2d</c>) are reachable here
/// only through a TorchScript module saved by PyTorch, so an int8 variant's convolutions are a storage format: the state
/// dict and the file are about a quarter of float32, the compute and the resident float32 weight are not smaller.
/// <para>
/// State dict: <c>weight</c> (int8 [out, in / groups, k, k]), <c>weight_scale</c> (float32 [out]) and <c>bias</c>
/// (float32 [out]) as buffers. The dequantised weight keeps the stored weight's memory format (channels-last after
/// <see cref="ChannelsLast.Apply"/>).
/// </para>
/// </summary>
public sealed class Int8Conv2d : LayerBase, IQuantizedLayer
{
    private readonly long[] stride;
    private readonly long[] padding;
    private readonly long[] dilation;
    private Tensor? dequantized;

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
        if (input.dim() != 4 || input.shape[1] != InChannels)
        {
            throw ShapeError($"[N, {InChannels}, H, W]", input);
        }
        if (dequantized is null)
        {
            Refresh();
        }
        return nn.functional.conv2d(input, dequantized!, Bias, stride, padding, dilation, Groups);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            dequantized?.Dispose();
        }
        base.Dispose(disposing);
    }
}
