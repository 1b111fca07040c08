using System.Runtime.InteropServices;
using ModelDsl.Native;

namespace ModelDsl;

/// <summary>Process-wide entry points: scopes, seeding, threads — PyTorch's <c>torch.*</c> functions.</summary>
public static class Torch
{
    /// <summary>Opens a scope that disposes the tensors created inside it (see <see cref="DisposeScope"/>).</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Disables gradient recording on this thread until the returned scope is disposed (<c>torch.no_grad()</c>).</summary>
    public static GradModeScope NoGrad() => new(enabled: false);

    /// <summary>Enables gradient recording on this thread until the returned scope is disposed (<c>torch.enable_grad()</c>).</summary>
    public static GradModeScope EnableGrad() => new(enabled: true);

    /// <summary>True when operations on this thread record gradients.</summary>
    public static bool IsGradEnabled => NativeMethods.mdsl_grad_enabled() != 0;

    /// <summary>Seeds libtorch's default generators exactly like <c>torch.manual_seed</c>: same seed, same draws.</summary>
    public static void ManualSeed(ulong seed) => NativeError.Check(NativeMethods.mdsl_manual_seed(seed));

    /// <summary>Intra-op threads libtorch uses (<c>torch.get_num_threads</c>/<c>set_num_threads</c>).</summary>
    public static int Threads
    {
        get => NativeMethods.mdsl_get_num_threads();
        set => NativeError.Check(NativeMethods.mdsl_set_num_threads(value));
    }

    /// <summary>
    /// True when the native shim raised glibc's mmap/trim thresholds at load so freed tensor memory is reused
    /// instead of re-faulted on every pass (the default; set MODELDSL_MALLOC_TUNING=0 to opt out).
    /// </summary>
    public static bool MallocTuningApplied => NativeMethods.mdsl_malloc_tuning_applied() != 0;

    /// <summary>The version of the libtorch headers the shim was built with.</summary>
    public static string LibTorchVersion => Marshal.PtrToStringUTF8(NativeMethods.mdsl_torch_version()) ?? "unknown";
}

/// <summary>Sets the thread's grad mode and restores the previous mode when disposed.</summary>
public readonly struct GradModeScope : IDisposable
{
    private readonly bool previous;

    internal GradModeScope(bool enabled)
    {
        previous = NativeMethods.mdsl_grad_enabled() != 0;
        NativeMethods.mdsl_set_grad_enabled(enabled ? 1 : 0);
    }

    /// <summary>Restores the grad mode that was active before.</summary>
    public void Dispose() => NativeMethods.mdsl_set_grad_enabled(previous ? 1 : 0);
}
