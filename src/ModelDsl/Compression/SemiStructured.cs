using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// libtorch's 2:4 semi-structured kernels (cuSPARSELt: <c>_cslt_compress</c>, <c>_cslt_sparse_mm</c>), which exist for
/// CUDA only: on the CPU backend the ops are registered but have no kernel ("Could not run … CPU backend"), an exception
/// rather than an abort. Whether they run is found by trying them, once per weight and device, where CUDA is available:
/// the weight is compressed and one probe product is checked against the dense weight, so a GPU or build where
/// cuSPARSELt cannot run (it needs compute capability 8.0) falls back to the dense weight with the reason instead of
/// failing in the forward. Shapes follow PyTorch's float32 cuSPARSELt constraints (<c>torch/sparse/semi_structured.py</c>):
/// the sparse weight [out, in] a multiple of 8 in both, the dense operand a multiple of 4 (rows are padded here).
/// </summary>
internal static class SemiStructured
{
    /// <summary>The multiple both sizes of a float32 sparse weight must be.</summary>
    internal const int WeightMultiple = 8;

    /// <summary>The multiple the dense operand's columns (the input rows) are padded to.</summary>
    internal const int RowMultiple = 4;

    // Compiled once per process; only these two functions, with positional arguments every libtorch 2.x schema has.
    private const string Script =
        "def compress(weight: Tensor) -> Tensor:\n" +
        "    return torch._cslt_compress(weight)\n" +
        "\n" +
        "def mm(compressed: Tensor, x: Tensor) -> Tensor:\n" +
        "    return torch._cslt_sparse_mm(compressed, x)\n";

    private static readonly Lazy<jit.CompilationUnit> Unit = new(() => jit.compile(Script));

    /// <summary>Why a float32 weight of this size cannot be compressed for the kernel, or null when it can.</summary>
    internal static string? ShapeRefusal(long outFeatures, long inFeatures) =>
        outFeatures % WeightMultiple != 0 || inFeatures % WeightMultiple != 0
            ? $"the weight [{outFeatures}, {inFeatures}] is not a multiple of {WeightMultiple} in both sizes (cuSPARSELt's float32 tile)"
            : null;

    /// <summary>
    /// The compressed form of a 2:4 <paramref name="weight"/> [out, in] for <see cref="Linear"/>, or null with the reason
    /// when the kernels cannot run it here (no CUDA, the weight on the CPU, not 2:4, a shape cuSPARSELt does not take, or
    /// the kernels failed or disagreed on this GPU).
    /// </summary>
    public static Tensor? TryCompress(Tensor weight, int n, int m, out string why)
    {
        if (n != 2 || m != 4)
        {
            why = $"the semi-structured kernels run the 2:4 pattern only, this layer is {n}:{m}";
            return null;
        }
        if (!cuda.is_available())
        {
            why = "CUDA is not available (the semi-structured 2:4 kernels are CUDA-only; on CPU the layer computes with its decompressed dense weight)";
            return null;
        }
        if (weight.device_type != DeviceType.CUDA)
        {
            why = $"the weight is on {weight.device}; move the model to CUDA for the semi-structured kernels";
            return null;
        }
        if (ShapeRefusal(weight.shape[0], weight.shape[1]) is { } refusal)
        {
            why = refusal + "; computing with the decompressed dense weight";
            return null;
        }
        var compressed = TryKernel(weight, out why);
        if (compressed is null)
        {
            return null;
        }
        try
        {
            if (Probe(compressed, weight) is { } disagreement)
            {
                compressed.Dispose();
                why = disagreement;
                return null;
            }
            return compressed;
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException or ArgumentException)
        {
            compressed.Dispose();
            why = "libtorch's semi-structured matmul failed on this device: " + QuantizedLayers.NativeReason(e);
            return null;
        }
    }

    /// <summary>Tries the compression kernel on <paramref name="weight"/> wherever it is (on the CPU it fails: the tests call it there).</summary>
    internal static Tensor? TryKernel(Tensor weight, out string why)
    {
        try
        {
            why = string.Empty;
            return Unit.Value.invoke<Tensor>("compress", weight.contiguous()).DetachFromDisposeScope();
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException or ArgumentException)
        {
            why = "libtorch's semi-structured kernel failed on this device: " + QuantizedLayers.NativeReason(e);
            return null;
        }
    }

    /// <summary>
    /// rows [R, in] times the compressed weight [out, in] transposed: [R, out]. The rows are padded with zeros to a multiple
    /// of <see cref="RowMultiple"/> for cuSPARSELt and the padding cut from the result.
    /// </summary>
    public static Tensor Linear(Tensor compressed, Tensor rows)
    {
        using var scope = NewDisposeScope();
        var count = rows.shape[0];
        var padding = (RowMultiple - (count % RowMultiple)) % RowMultiple;
        var padded = padding == 0 ? rows : nn.functional.pad(rows, [0, 0, 0, padding]);
        var y = Unit.Value.invoke<Tensor>("mm", compressed, padded.t().contiguous()).t();
        return (padding == 0 ? y : y.narrow(0, 0, count)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The bound on |kernel − float32| per output relative to Σ|x||w| for K inputs: both operands rounded to TF32
    /// (u = 2⁻¹¹ each, should cuSPARSELt compute float32 that way) and float32 accumulation (K·2⁻²⁴) on each side.
    /// </summary>
    internal static float Tolerance(long k) => (2f / 2048f) + (2f * k / (1 << 24)) + (1f / 65536f);

    // One product of 6 rows (not a multiple of 4, so the padding is exercised) checked against the dense weight.
    private static string? Probe(Tensor compressed, Tensor weight)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var k = weight.shape[1];
        var x = arange(6 * k, dtype: ScalarType.Float32, device: weight.device).mul(0.37f).sin().view(6, k);
        var got = Linear(compressed, x);
        var want = x.matmul(weight.t());
        var worst = got.sub(want).abs().sub(x.abs().matmul(weight.abs().t()).mul(Tolerance(k))).max().item<float>();
        return worst <= 1e-6f
            ? null
            : $"libtorch's semi-structured matmul disagreed with the dense weight on a probe batch (by {worst:G3} beyond the TF32 bound) on {weight.device}; computing with the decompressed dense weight";
    }
}
