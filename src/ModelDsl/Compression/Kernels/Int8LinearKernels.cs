using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// The TorchScript module <see cref="Int8Linear"/> computes with on CPU: Int8LinearKernels.pt, written by
/// int8_linear_kernels.py (next to this file) with Debian's PyTorch 1.13 and embedded in this assembly. It runs
/// libtorch's <c>quantized::linear_dynamic</c>, the kernel of PyTorch's <c>quantize_dynamic</c>, which a
/// <c>torch.jit.compile</c> script cannot name (the attempt aborts the process). One instance per layer holds that
/// layer's packed weight. Only the methods the script declares are invoked here (invoking a missing one crashes the
/// process), and the tests call each of them.
/// </summary>
internal static class Int8LinearKernels
{
    internal const string ResourceName = "ModelDsl.Int8LinearKernels.pt";

    /// <summary>pack(weight int8 [out, in], scales float32 [out], bias float32 [out]) → output channels.</summary>
    internal const string Pack = "pack";

    /// <summary>linear(x float32 [*, in], reduce_range bool) → float32 [*, out].</summary>
    internal const string Linear = "linear";

    /// <summary>
    /// Whether activations are quantised to 7 bits instead of 8, as PyTorch's x86 configuration does: FBGEMM's AVX2
    /// kernel multiplies uint8 by int8 into saturating 16-bit pair sums (vpmaddubsw), which full-range activations can
    /// overflow; with VNNI the products accumulate in 32 bits and all 8 bits are safe. .NET reports the VEX form of VNNI
    /// only, so a CPU with AVX-512 VNNI alone also gets 7 bits: a little more rounding, never an overflow.
    /// </summary>
    internal static readonly bool ReduceRange = X86Base.IsSupported && !AvxVnni.IsSupported;

    /// <summary>A new module, with no weight packed yet.</summary>
    internal static jit.ScriptModule Load() => EmbeddedModules.Load(ResourceName);
}
