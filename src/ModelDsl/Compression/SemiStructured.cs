using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// libtorch's 2:4 semi-structured kernels (cuSPARSELt: <c>_cslt_compress</c>, <c>_cslt_sparse_mm</c>), which exist for
/// CUDA only: on the CPU backend the ops are registered but have no kernel ("Could not run … CPU backend"), an exception
/// rather than an abort. Whether they run is found by trying them, once per weight, where CUDA is available.
/// </summary>
internal static class SemiStructured
{
    // Compiled once per process; only these two functions, with positional arguments every libtorch 2.x schema has.
    private const string Script =
        "def compress(weight: Tensor) -> Tensor:\n" +
        "    return torch._cslt_compress(weight)\n" +
        "\n" +
        "def mm(compressed: Tensor, x: Tensor) -> Tensor:\n" +
        "    return torch._cslt_sparse_mm(compressed, x)\n";

    private static readonly Lazy<jit.CompilationUnit> Unit = new(() => jit.compile(Script));

    /// <summary>
    /// The compressed form of a 2:4 <paramref name="weight"/> [out, in] for <see cref="MatMul"/>, or null with the reason
    /// when the kernels cannot run it here (no CUDA, the weight on the CPU, not 2:4, or the op failed on this GPU).
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
        return TryKernel(weight, out why);
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
            why = "libtorch's semi-structured kernel failed on this device: " + e.Message.Split('\n')[0];
            return null;
        }
    }

    /// <summary><paramref name="compressed"/> (a compressed [out, in]) times <paramref name="xT"/> [in, rows]: [out, rows].</summary>
    public static Tensor MatMul(Tensor compressed, Tensor xT) => Unit.Value.invoke<Tensor>("mm", compressed, xT);
}
