using System.Runtime.InteropServices;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelDsl.Tests.Compression;

/// <summary>
/// What can be proven of Int4Linear's CUDA path on a machine without a GPU: the TorchScript script compiles and its CUDA
/// ops fail as exceptions on the CPU; the operands built from Int4Linear's storage are libtorch's layout (checked by hand,
/// and through libtorch's CPU siblings <c>_convert_weight_to_int4pack_for_cpu</c> / <c>_weight_int4pack_mm_for_cpu</c>,
/// which read the same scales-and-zeros tensor with the same w = (u − 8)·scale + zero); the layer reports why it
/// dequantises, follows its device, and moving it to CUDA here is a .NET exception. The CUDA kernel itself never ran here.
/// </summary>
public sealed class Int4CudaKernelTests(ITestOutputHelper output)
{
    // libtorch's CPU siblings, as a reference for the operands only: the CPU one takes int32 [N, K] values in [0, 15].
    private const string CpuReference =
        "def pack(values: Tensor, inner_k_tiles: int) -> Tensor:\n" +
        "    return torch._convert_weight_to_int4pack_for_cpu(values, inner_k_tiles)\n" +
        "\n" +
        "def mm(x: Tensor, packed: Tensor, group_size: int, scales_and_zeros: Tensor) -> Tensor:\n" +
        "    return torch._weight_int4pack_mm_for_cpu(x, packed, group_size, scales_and_zeros)\n";

    private static readonly Lazy<jit.CompilationUnit> Reference = new(() => jit.compile(CpuReference));

    [Fact]
    public void TheKernelScriptCompilesAndItsCudaOpsFailAsExceptionsOnTheCpu()
    {
        using var scope = NewDisposeScope();
        Assert.NotNull(Int4CudaKernel.Compiled);
        var bytes = full(16, 64, 0x88, ScalarType.Byte);
        var error = Assert.ThrowsAny<ExternalException>(() => Int4CudaKernel.Compiled.invoke<Tensor>("pack", bytes, 8L));
        output.WriteLine(error.Message.Split('\n')[0]);
        Assert.ThrowsAny<ExternalException>(() =>
            Int4CudaKernel.MatMul(zeros(2, 128, ScalarType.BFloat16), zeros([2, 1, 32, 4], ScalarType.Int32), zeros([1, 16, 2], ScalarType.BFloat16)));

        // The preparation catches the failure and says where it happened.
        using var layer = new Int4Linear(128, 16);
        Assert.Null(Int4CudaKernel.TryPrepare(layer.PackedWeight, layer.WeightScale, layer.Dequantize(), out var why));
        Assert.Contains("int4 kernel failed on this device", why, StringComparison.Ordinal);
        output.WriteLine(why);
        Assert.Contains("Could not run 'aten::_convert_weight_to_int4pack' with arguments from the 'CPU' backend.", why, StringComparison.Ordinal);
    }

    [Fact]
    public void TheOperandsAreLibtorchsLayoutByHand()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        const int n = 8, k = 128;
        using var layer = new Int4Linear(k, n);
        // Values q(r, c) = (r + 3c) mod 16 − 8 cover [−8, 7] in every row; scales 0.01·(r + 1).
        var q = new sbyte[n * k];
        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < k; c++)
            {
                q[(r * k) + c] = (sbyte)(((r + (3 * c)) % 16) - 8);
            }
        }
        layer.PackedWeight.copy_(Int4Linear.Pack(tensor(q, [n, k])));
        layer.WeightScale.copy_(arange(1, n + 1, dtype: ScalarType.Float32).mul(0.01f).view(n, 1));

        var (weight, scalesAndZeros) = Int4CudaKernel.Operands(layer.PackedWeight, layer.WeightScale);
        Assert.Equal(new long[] { n, k / 2 }, weight.shape);
        Assert.Equal(ScalarType.Byte, weight.dtype);
        var bytes = weight.data<byte>().ToArray();
        for (var r = 0; r < n; r++)
        {
            for (var j = 0; j < k / 2; j++)
            {
                // The kernel's uint8 input (int4mm.cu, and PyTorch's own test: out[:, ::2] << 4 | out[:, 1::2]): u = q + 8, even index high.
                var expected = (((q[(r * k) + (2 * j)] + 8) << 4) | (q[(r * k) + (2 * j) + 1] + 8)) & 0xFF;
                Assert.Equal(expected, bytes[(r * (k / 2)) + j]);
            }
        }
        // [K/128, N, 2]: scale then zero; zero 0 because the storage is symmetric (w = (u − 8)·scale).
        Assert.Equal(new long[] { 1, n, 2 }, scalesAndZeros.shape);
        Assert.Equal(ScalarType.BFloat16, scalesAndZeros.dtype);
        for (var r = 0; r < n; r++)
        {
            var scale = tensor(0.01f * (r + 1)).to(ScalarType.BFloat16).to(ScalarType.Float32).item<float>();
            Assert.Equal(scale, scalesAndZeros[0, r, 0].to(ScalarType.Float32).item<float>());
            Assert.Equal(0f, scalesAndZeros[0, r, 1].to(ScalarType.Float32).item<float>());
        }
    }

    [Fact]
    public void TheOperandsGiveTheDequantisedOutputThroughLibtorchsCpuSiblings()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        const int n = 48, k = 384;
        var generator = new Generator(11);
        var dense = randn([n, k], generator: generator).mul(0.05);
        var bias = randn([n], generator: generator).mul(0.1);
        // bfloat16-exact input, so the kernel's bfloat16 activations equal what the float32 path multiplies.
        var x = randn([5, k], generator: generator).to(ScalarType.BFloat16).to(ScalarType.Float32);
        using var layer = new Int4Linear(k, n);
        layer.Quantize(dense, bias);
        var ours = layer.call(x);

        var (weight, scalesAndZeros) = Int4CudaKernel.Operands(layer.PackedWeight, layer.WeightScale);
        var viaKernel = CpuSibling(x, HighNibbleFirst(weight, k), scalesAndZeros).add(bias);

        // The bound, per output, relative to S = Σ|x||w| (u = 2⁻⁸, bfloat16's unit roundoff): the scale rounded to bfloat16
        // (≤ u), the dequantised product if the kernel forms it in bfloat16 (≤ u), the bfloat16 result (≤ u·|y| ≤ u·S), and
        // float32 accumulation on both sides (≤ K·2⁻²⁴ each).
        var bound = x.abs().matmul(layer.Dequantize().abs().t()).mul((3.0 / 256) + (2.0 * k / (1 << 24)));
        var excess = (viaKernel - ours).abs() - bound;
        output.WriteLine($"largest |kernel − ours| {(viaKernel - ours).abs().max().item<float>():E2}, largest bound {bound.max().item<float>():E2}");
        Assert.True(excess.max().item<float>() <= 0f);

        // The same check rejects the storage's own nibble order (even index low): the bound is not loose enough to pass a wrong layout.
        var wrong = CpuSibling(x, LowNibbleFirst(weight, k), scalesAndZeros).add(bias);
        Assert.True(((wrong - ours).abs() - bound).max().item<float>() > 0f);
    }

    [Fact]
    public void OnTheCpuTheLayerSaysWhyItDequantisesAndRequiringTheKernelFails()
    {
        using var scope = NewDisposeScope();
        using var layer = new Int4Linear(256, 64);
        layer.Quantize(randn(64, 256), randn(64));
        Assert.False(layer.UsesCudaKernel);
        Assert.Contains("the weight is on cpu", layer.CudaKernelStatus, StringComparison.Ordinal);
        Assert.Contains("CUDA-only", layer.CudaKernelStatus, StringComparison.Ordinal);
        var error = Assert.Throws<NotSupportedException>(layer.RequireCudaKernel);
        Assert.Contains("Int4Linear", error.Message, StringComparison.Ordinal);
        Assert.Contains("CUDA-only", error.Message, StringComparison.Ordinal);

        // The kernel's shape rules, checked before any call.
        Assert.Null(Int4CudaKernel.ShapeRefusal(384, 48));
        Assert.Contains("300 input features are not a multiple of 128", Int4CudaKernel.ShapeRefusal(300, 48), StringComparison.Ordinal);
        Assert.Contains("10 output features are not a multiple of 8", Int4CudaKernel.ShapeRefusal(384, 10), StringComparison.Ordinal);
    }

    [Fact]
    public void TheRunTimeFormFollowsTheDevice()
    {
        using var scope = NewDisposeScope();
        using var layer = new Int4Linear(128, 8);
        layer.Quantize(randn(8, 128), randn(8));
        var x = randn(3, 128);
        Assert.Equal(DeviceType.CPU, layer.call(x).device_type);
        Assert.Contains("the weight is on cpu", layer.CudaKernelStatus, StringComparison.Ordinal);
        // The meta device (shapes only) stands in for a second device: the dequantised form is made again there.
        layer.to(DeviceType.META);
        var onMeta = layer.call(x.to(DeviceType.META));
        Assert.Equal(DeviceType.META, onMeta.device_type);
        Assert.Contains("the weight is on meta", layer.CudaKernelStatus, StringComparison.Ordinal);
    }

    [Fact]
    public void MovingAnInt4LayerToCudaWithoutCudaIsADotNetException()
    {
        // Checked first in a child process: TorchSharp 0.107 throws here rather than aborting.
        using var scope = NewDisposeScope();
        using var layer = new Int4Linear(128, 8, hasBias: false);
        layer.Quantize(randn(8, 128), null);
        var x = randn(2, 128);
        var before = layer.call(x);
        var error = Assert.Throws<InvalidOperationException>(() => layer.to(DeviceType.CUDA));
        output.WriteLine(error.Message.Split('\n')[0]);
        Assert.Contains("CUDA", error.Message, StringComparison.Ordinal);
        // Nothing moved: the layer still computes on the CPU, as before.
        Assert.Equal(DeviceType.CPU, layer.PackedWeight.device_type);
        Assert.True(layer.call(x).eq(before).all().item<bool>());
    }

    private static Tensor CpuSibling(Tensor x, Tensor values, Tensor scalesAndZeros)
    {
        var packed = Reference.Value.invoke<Tensor>("pack", values, 8L);
        var y = Reference.Value.invoke<Tensor>("mm", x.to(ScalarType.BFloat16).contiguous(), packed, (long)Int4Linear.GroupSize, scalesAndZeros);
        return y.to(ScalarType.Float32);
    }

    // uint8 [N, K/2] → int32 [N, K] under the kernel's convention: the high nibble is the even input index.
    private static Tensor HighNibbleFirst(Tensor bytes, long k)
    {
        var wide = bytes.to(ScalarType.Int32);
        return stack([wide.bitwise_right_shift(4), wide.bitwise_and(15)], 2).view(bytes.shape[0], k);
    }

    private static Tensor LowNibbleFirst(Tensor bytes, long k)
    {
        var wide = bytes.to(ScalarType.Int32);
        return stack([wide.bitwise_and(15), wide.bitwise_right_shift(4)], 2).view(bytes.shape[0], k);
    }
}
