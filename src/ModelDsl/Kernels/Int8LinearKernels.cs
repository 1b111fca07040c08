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
    /// Whether activations are quantised to 7 bits instead of 8, as PyTorch's x86 configuration does without AVX-512 VNNI
    /// (<c>at::cpu::does_cpu_support_vnni</c>): FBGEMM's AVX2 and AVX-512 kernels multiply uint8 by int8 into saturating
    /// 16-bit pair sums (vpmaddubsw), which full-range activations overflow; only its AVX-512 VNNI kernels accumulate in
    /// 32 bits. FBGEMM has no kernels for the VEX form (AVX-VNNI), so a CPU with that alone gets 7 bits, as does a
    /// process whose <c>FBGEMM_ENABLE_INSTRUCTIONS</c> makes FBGEMM use a set without VNNI.
    /// </summary>
    internal static readonly bool ReduceRange = X86Base.IsSupported && !FbgemmRunsVnni(Environment.GetEnvironmentVariable("FBGEMM_ENABLE_INSTRUCTIONS"));

    // AVX-512 VNNI is CPUID leaf 7, ECX bit 11; Avx512F.IsSupported says the OS keeps the 512-bit state too. FBGEMM
    // ignores a value of FBGEMM_ENABLE_INSTRUCTIONS it does not know.
    private static bool FbgemmRunsVnni(string? forced) =>
        Avx512F.IsSupported && (X86Base.CpuId(7, 0).Ecx & (1 << 11)) != 0 &&
        forced?.Trim().ToUpperInvariant() is not ("AVX2" or "AVX512" or "AVX512_256");
}
