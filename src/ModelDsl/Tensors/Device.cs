using ModelDsl.Native;

namespace ModelDsl;

/// <summary>Kinds of device a tensor can live on.</summary>
public enum DeviceType
{
    /// <summary>Host memory.</summary>
    Cpu = 0,
    /// <summary>An NVIDIA GPU (needs a CUDA build of libtorch).</summary>
    Cuda = 1,
}

/// <summary>A device: CPU, or a CUDA GPU by index.</summary>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    /// <summary>The host.</summary>
    public static Device Cpu => new(DeviceType.Cpu);

    /// <summary>The CUDA GPU with the given index.</summary>
    public static Device Cuda(int index = 0) => new(DeviceType.Cuda, index);

    /// <summary>True when the loaded libtorch was built with CUDA and sees at least one GPU.</summary>
    public static bool CudaAvailable => NativeMethods.mdsl_cuda_available() != 0;

    /// <summary>Number of CUDA GPUs libtorch sees (0 on a CPU-only build).</summary>
    public static int CudaDeviceCount => NativeMethods.mdsl_cuda_device_count();

    /// <summary>Throws a clear exception when this device cannot be used with the loaded libtorch.</summary>
    public void EnsureAvailable()
    {
        if (Type != DeviceType.Cuda)
        {
            return;
        }
        if (!CudaAvailable)
        {
            throw new TorchException(
                "CUDA was requested, but the loaded libtorch has no CUDA support or sees no GPU. " +
                "Build the native shim against a CUDA libtorch (set Torch_DIR) or use Device.Cpu; check Device.CudaAvailable first.");
        }
        if (Index >= CudaDeviceCount)
        {
            throw new TorchException($"CUDA device {Index} was requested, but libtorch sees {CudaDeviceCount} GPU(s).");
        }
    }

    /// <inheritdoc />
    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : Index < 0 ? "cuda" : $"cuda:{Index}";
}
