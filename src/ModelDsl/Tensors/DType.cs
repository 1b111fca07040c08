namespace ModelDsl;

/// <summary>Element types. The values are libtorch's <c>c10::ScalarType</c> codes, which the shim casts directly.</summary>
public enum DType
{
    /// <summary>Unsigned 8-bit integer (torch.uint8).</summary>
    UInt8 = 0,
    /// <summary>Signed 8-bit integer (torch.int8).</summary>
    Int8 = 1,
    /// <summary>Signed 16-bit integer (torch.int16).</summary>
    Int16 = 2,
    /// <summary>Signed 32-bit integer (torch.int32).</summary>
    Int32 = 3,
    /// <summary>Signed 64-bit integer (torch.int64), the type of indices.</summary>
    Int64 = 4,
    /// <summary>IEEE half precision (torch.float16).</summary>
    Float16 = 5,
    /// <summary>Single precision (torch.float32), the default.</summary>
    Float32 = 6,
    /// <summary>Double precision (torch.float64).</summary>
    Float64 = 7,
    /// <summary>Boolean (torch.bool).</summary>
    Bool = 11,
    /// <summary>Brain floating point (torch.bfloat16).</summary>
    BFloat16 = 15,
}

/// <summary>Facts about <see cref="DType"/> values.</summary>
public static class DTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.UInt8 or DType.Int8 or DType.Bool => 1,
        DType.Int16 or DType.Float16 or DType.BFloat16 => 2,
        DType.Int32 or DType.Float32 => 4,
        DType.Int64 or DType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>True for the floating-point types (the ones that can require gradients).</summary>
    public static bool IsFloatingPoint(this DType dtype) =>
        dtype is DType.Float16 or DType.Float32 or DType.Float64 or DType.BFloat16;

    /// <summary>The dtype that holds values of the .NET type <typeparamref name="T"/>.</summary>
    public static DType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? DType.Float32
        : typeof(T) == typeof(double) ? DType.Float64
        : typeof(T) == typeof(Half) ? DType.Float16
        : typeof(T) == typeof(long) ? DType.Int64
        : typeof(T) == typeof(int) ? DType.Int32
        : typeof(T) == typeof(short) ? DType.Int16
        : typeof(T) == typeof(sbyte) ? DType.Int8
        : typeof(T) == typeof(byte) ? DType.UInt8
        : typeof(T) == typeof(bool) ? DType.Bool
        : throw new NotSupportedException($"no tensor dtype holds {typeof(T).Name}; use a byte span with an explicit DType (e.g. BFloat16)");
}
