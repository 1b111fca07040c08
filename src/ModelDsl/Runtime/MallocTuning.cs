using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ModelDsl;

/// <summary>
/// Tunes glibc's malloc when ModelDsl's assembly loads (the first use of a ModelDsl type, at the latest a generated
/// model's first forward), as the old native shim did: the mmap threshold to 32 MiB (glibc's maximum), the trim
/// threshold to 1 GiB, and no block mmapped at all (<c>M_MMAP_MAX</c> 0), so that a block above 32 MiB comes from the
/// heap and is recycled too. libtorch allocates CPU tensors with <c>posix_memalign</c>; with glibc's defaults a CNN
/// forward's activation blocks go back to the kernel on free and are page-faulted in again on the next pass. Measured
/// on libtorch 2.10 (TorchSharp 0.107), generated ResNet-18, batch 8, 224², one intra-op thread: 151 → 126 ms and
/// 15,654 → 6 minor page faults per forward; MobileNetV2 at batch 8, whose first block's 38.5 MB activations are above
/// the largest threshold, faults 12,000–21,000 pages a forward with the thresholds alone and about 2,500 with nothing
/// mmapped (42–53 → 31–34 ms; docs/benchmarks.md, section 1). glibc still maps a block of more than 64 MiB that a thread other than the
/// main one allocates (a thread's own heap holds at most 64 MiB), and unmaps such a thread heap once it is empty. The
/// price is that resident memory stays at its peak instead of shrinking between passes.
/// <para>
/// Not applied when the environment variable <c>MODELDSL_MALLOC_TUNING</c> is <c>0</c>, when <c>GLIBC_TUNABLES</c>
/// already sets any of the three (the user's choice wins), or off Linux/glibc.
/// </para>
/// </summary>
public static class MallocTuning
{
    /// <summary>The mmap threshold set: glibc's upper bound on 64-bit (<c>DEFAULT_MMAP_THRESHOLD_MAX</c>).</summary>
    public const int MmapThreshold = 32 << 20;

    /// <summary>The trim threshold set: free memory at the top of the heap is kept up to this size.</summary>
    public const int TrimThreshold = 1 << 30;

    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;
    private const int MMmapMax = -4;

    /// <summary>Whether the thresholds and the mmap limit were set in this process.</summary>
    public static bool Applied { get; private set; }

    /// <summary>Whether the tuning should be applied, given <c>MODELDSL_MALLOC_TUNING</c> and <c>GLIBC_TUNABLES</c>.</summary>
    internal static bool ShouldApply(string? setting, string? glibcTunables) =>
        setting != "0"
        && (glibcTunables is null || (!glibcTunables.Contains("glibc.malloc.mmap_threshold", StringComparison.Ordinal)
                                      && !glibcTunables.Contains("glibc.malloc.trim_threshold", StringComparison.Ordinal)
                                      && !glibcTunables.Contains("glibc.malloc.mmap_max", StringComparison.Ordinal)));

    // A module initializer because the thresholds must be in place before the first forward allocates, and a user of a
    // generated model never calls into ModelDsl explicitly before that; it only calls libc and cannot fail.
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "See the comment above: there is no earlier hook.")]
    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux()
            || !ShouldApply(Environment.GetEnvironmentVariable("MODELDSL_MALLOC_TUNING"), Environment.GetEnvironmentVariable("GLIBC_TUNABLES")))
        {
            return;
        }
        try
        {
            _ = GnuGetLibcVersion();   // throws EntryPointNotFoundException on a libc that is not glibc (musl)
            Applied = Mallopt(MMmapThreshold, MmapThreshold) == 1 & Mallopt(MTrimThreshold, TrimThreshold) == 1 & Mallopt(MMmapMax, 0) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Applied = false;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);

    [DllImport("libc", EntryPoint = "gnu_get_libc_version")]
    private static extern IntPtr GnuGetLibcVersion();
}
