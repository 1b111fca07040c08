using System.Runtime.InteropServices;
using ModelDsl.Native;

namespace ModelDsl;

public sealed partial class Tensor
{
    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape (on CPU).</summary>
    public static Tensor From<T>(ReadOnlySpan<T> data, params long[] shape) where T : unmanaged =>
        FromBytes(MemoryMarshal.AsBytes(data), DTypeExtensions.Of<T>(), shape);

    /// <summary>A tensor holding a copy of <paramref name="data"/>; a one-dimensional shape when none is given.</summary>
    public static Tensor From<T>(T[] data, params long[] shape) where T : unmanaged =>
        From((ReadOnlySpan<T>)data, shape.Length == 0 ? [data.Length] : shape);

    /// <summary>A tensor copied from raw little-endian element bytes of the given dtype (e.g. bfloat16 from a file).</summary>
    public static unsafe Tensor FromBytes(ReadOnlySpan<byte> bytes, DType dtype, params long[] shape)
    {
        fixed (byte* data = bytes)
        fixed (long* dims = shape)
        {
            return From(NativeMethods.mdsl_tensor_from_data(data, bytes.Length, (int)dtype, dims, shape.Length, out var r), r);
        }
    }

    /// <summary>A zero-dimensional tensor holding one value.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full([], value, dtype);

    /// <summary>Uninitialised memory of the given shape.</summary>
    public static Tensor Empty(long[] shape, DType dtype = DType.Float32, Device? device = null) => New(NewKind.Empty, shape, 0, dtype, device);

    /// <summary>Zeros of the given shape.</summary>
    public static Tensor Zeros(long[] shape, DType dtype = DType.Float32, Device? device = null) => New(NewKind.Zeros, shape, 0, dtype, device);

    /// <summary>Ones of the given shape.</summary>
    public static Tensor Ones(long[] shape, DType dtype = DType.Float32, Device? device = null) => New(NewKind.Ones, shape, 0, dtype, device);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(long[] shape, double value, DType dtype = DType.Float32, Device? device = null) => New(NewKind.Full, shape, value, dtype, device);

    /// <summary>Standard normal samples from the default generator (seed it with <see cref="Torch.ManualSeed"/>).</summary>
    public static Tensor Randn(long[] shape, DType dtype = DType.Float32, Device? device = null) => New(NewKind.Randn, shape, 0, dtype, device);

    /// <summary>Uniform samples in [0, 1) from the default generator.</summary>
    public static Tensor Rand(long[] shape, DType dtype = DType.Float32, Device? device = null) => New(NewKind.Rand, shape, 0, dtype, device);

    /// <summary>Standard normal samples drawn after seeding the default generator with <paramref name="seed"/>.</summary>
    public static Tensor Randn(ulong seed, params long[] shape)
    {
        Torch.ManualSeed(seed);
        return Randn(shape);
    }

    /// <summary>Values start, start + step, … below end (<c>torch.arange</c>); int64 unless a dtype is given.</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Int64, Device? device = null)
    {
        var d = Resolve(device);
        return From(NativeMethods.mdsl_tensor_arange(start, end, step, (int)dtype, (int)d.Type, d.Index, out var r), r);
    }

    /// <summary>0, 1, … end − 1 as int64.</summary>
    public static Tensor Arange(long end) => Arange(0, end);

    /// <summary>Zeros with this tensor's shape, dtype and device.</summary>
    public Tensor ZerosLike() => Zeros(ShapeView, DType, Device);

    /// <summary>Ones with this tensor's shape, dtype and device.</summary>
    public Tensor OnesLike() => Ones(ShapeView, DType, Device);

    private static unsafe Tensor New(NewKind kind, long[] shape, double value, DType dtype, Device? device)
    {
        var d = Resolve(device);
        fixed (long* dims = shape)
        {
            return From(NativeMethods.mdsl_tensor_new((int)kind, dims, shape.Length, value, (int)dtype, (int)d.Type, d.Index, out var r), r);
        }
    }

    private static Device Resolve(Device? device)
    {
        var d = device ?? Device.Cpu;
        d.EnsureAvailable();
        return d;
    }
}
