using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// libtorch's int4 weight-only matmul for CUDA (the "tinygemm" kernel gpt-fast and torchao use):
/// <c>_convert_weight_to_int4pack(Tensor self, int innerKTiles)</c> and
/// <c>_weight_int4pack_mm(Tensor self, Tensor mat2, int qGroupSize, Tensor qScaleAndZeros)</c>, the libtorch 2.10 schemas.
/// TorchSharp 0.107 does not bind them, so a TorchScript script calls them. On the CPU backend both ops are registered
/// with no CPU kernel: calling them is an exception ("Could not run … CPU backend"), not an abort.
/// <para>
/// What the kernel takes (libtorch 2.10, <c>aten/src/ATen/native/cuda/int4mm.cu</c>): the weight as uint8 [N, K/2] with the
/// even input index in the HIGH nibble (the opposite of <see cref="Int4Linear"/>'s storage), values u in [0, 15] read as
/// w = (u − 8)·scale + zero; scales and zeros as one bfloat16 tensor [K/group, N, 2] (scale at 0, zero at 1), which the
/// kernel reinterprets as bfloat16 without checking its dtype; activations bfloat16 [M, K], contiguous; the result
/// bfloat16 [M, N]. Group sizes 32, 64, 128, 256; innerKTiles 2, 4 or 8, with K a multiple of innerKTiles × 16; N a
/// multiple of 8 (its tile). Int4Linear stores u = q + 8 with symmetric scales, so its zero is 0 and its bytes need only
/// their nibbles swapped. The kernel is built for compute capability 8.0 and later; since TorchSharp cannot ask for the
/// capability, each packed weight is checked once against the dequantised weight on a probe batch (<see cref="TryPrepare"/>).
/// </para>
/// </summary>
internal static class Int4CudaKernel
{
    /// <summary>Inner k-tiles of the packed layout: 8 (16-byte loads), as gpt-fast and torchao choose; needs K a multiple of 128.</summary>
    internal const int InnerKTiles = 8;

    /// <summary>Output features per tile of the kernel.</summary>
    internal const int OutputTile = 8;

    // Compiled once per process; only these two functions, which the tests compile and call (on the CPU, where they fail).
    private const string Script =
        "def pack(weight: Tensor, inner_k_tiles: int) -> Tensor:\n" +
        "    return torch._convert_weight_to_int4pack(weight, inner_k_tiles)\n" +
        "\n" +
        "def mm(x: Tensor, packed: Tensor, group_size: int, scales_and_zeros: Tensor) -> Tensor:\n" +
        "    return torch._weight_int4pack_mm(x, packed, group_size, scales_and_zeros)\n";

    private static readonly Lazy<jit.CompilationUnit> Unit = new(() => jit.compile(Script));

    /// <summary>The compiled script (for the tests: compiling it must not abort the process).</summary>
    internal static jit.CompilationUnit Compiled => Unit.Value;

    /// <summary>Why a Linear of this size cannot use the kernel, or null when it can (the same rule as ModelDsl.Spec's <c>Quantization.Int4KernelRefusal</c>).</summary>
    internal static string? ShapeRefusal(long inFeatures, long outFeatures)
    {
        var tile = InnerKTiles * 16;
        if (inFeatures % Int4Linear.GroupSize != 0 || inFeatures % tile != 0)
        {
            return $"its {inFeatures} input features are not a multiple of {Math.Max(Int4Linear.GroupSize, tile)} (whole groups of {Int4Linear.GroupSize} and the kernel's {InnerKTiles} inner k-tiles of 16)";
        }
        if (outFeatures % OutputTile != 0)
        {
            return $"its {outFeatures} output features are not a multiple of {OutputTile} (the kernel's output tile)";
        }
        return null;
    }

    /// <summary>
    /// The kernel's operands from Int4Linear's storage, on the storage's device: the weight uint8 [N, K/2] with the even
    /// input index in the high nibble, and the bfloat16 scales and zeros [K/128, N, 2] (zero 0: the storage is symmetric).
    /// Needs K even and a multiple of 128 (<see cref="ShapeRefusal"/>).
    /// </summary>
    internal static (Tensor Weight, Tensor ScalesAndZeros) Operands(Tensor packed, Tensor scales)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var bytes = packed.to(ScalarType.Int16);
        var swapped = bytes.bitwise_and(15).mul(16).add(bytes.bitwise_right_shift(4)).to(ScalarType.Byte).contiguous();
        var scale = scales.t().to(ScalarType.Float32);
        var scalesAndZeros = stack([scale, zeros_like(scale)], 2).to(ScalarType.BFloat16).contiguous();
        return (swapped.MoveToOuterDisposeScope(), scalesAndZeros.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Packs the weight of a layer for the kernel on the storage's device and checks the kernel against
    /// <paramref name="dequantized"/> [N, K] on a probe batch; null with the reason when the kernel does not run there or
    /// disagrees (a GPU older than compute capability 8.0, a build without the kernel).
    /// </summary>
    internal static Int4CudaWeight? TryPrepare(Tensor packed, Tensor scales, Tensor dequantized, out string why)
    {
        Tensor? kernelWeight = null;
        Tensor? scalesAndZeros = null;
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (weight, sz) = Operands(packed, scales);
            var prepared = Unit.Value.invoke<Tensor>("pack", weight, (long)InnerKTiles);
            kernelWeight = prepared.DetachFromDisposeScope();
            scalesAndZeros = sz.DetachFromDisposeScope();
            var k = dequantized.shape[1];
            // A probe of 16 rows (the kernel's m-tile) with values of both signs, bfloat16-exact so both sides see the same input.
            var probe = arange(16 * k, dtype: ScalarType.Float32, device: dequantized.device).mul(0.37f).sin().view(16, k).to(ScalarType.BFloat16);
            var got = MatMul(probe, kernelWeight, scalesAndZeros).to(ScalarType.Float32);
            var x = probe.to(ScalarType.Float32);
            var want = x.matmul(dequantized.t());
            var worst = got.sub(want).abs().sub(x.abs().matmul(dequantized.abs().t()).mul(Tolerance(k))).max().item<float>();
            if (!(worst <= 1e-6f))
            {
                why = $"libtorch's int4 kernel disagreed with the dequantised weight on a probe batch (by {worst:G3} beyond the bfloat16 bound) on {dequantized.device}; computing with the dequantised float32 weight";
                kernelWeight.Dispose();
                scalesAndZeros.Dispose();
                return null;
            }
            why = string.Empty;
            return new Int4CudaWeight(kernelWeight, scalesAndZeros);
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException or ArgumentException)
        {
            kernelWeight?.Dispose();
            scalesAndZeros?.Dispose();
            why = "libtorch's int4 kernel failed on this device: " + QuantizedLayers.NativeReason(e);
            return null;
        }
    }

    /// <summary>
    /// The bound on |kernel − float32| per output relative to Σ|x||w| for K inputs: bfloat16's unit roundoff u = 2⁻⁸ once
    /// for the scale, once for the dequantised product (u − 8)·scale, once for the bfloat16 result, and float32
    /// accumulation (K·2⁻²⁴) on each side.
    /// </summary>
    internal static float Tolerance(long k) => (3f / 256f) + (2f * k / (1 << 24)) + (1f / 65536f);

    /// <summary><paramref name="x"/> bfloat16 [M, K] times the packed weight: bfloat16 [M, N].</summary>
    internal static Tensor MatMul(Tensor x, Tensor kernelWeight, Tensor scalesAndZeros) =>
        Unit.Value.invoke<Tensor>("mm", x, kernelWeight, (long)Int4Linear.GroupSize, scalesAndZeros);
}

/// <summary>One layer's weight in the int4 kernel's layout on one device (int32 [N/8, K/128, 32, 4]) with its bfloat16 scales and zeros.</summary>
internal sealed class Int4CudaWeight(Tensor weight, Tensor scalesAndZeros) : IDisposable
{
    public Tensor Weight { get; } = weight;

    public Tensor ScalesAndZeros { get; } = scalesAndZeros;

    public void Dispose()
    {
        Weight.Dispose();
        ScalesAndZeros.Dispose();
    }
}
