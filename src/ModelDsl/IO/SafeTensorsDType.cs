using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>The dtype names used in safetensors headers (<c>"F32"</c>, <c>"BF16"</c>, …) and their sizes.</summary>
internal static class SafeTensorsDType
{
    private static readonly (string Code, ScalarType DType, int Size)[] Known =
    [
        ("BOOL", ScalarType.Bool, 1),
        ("U8", ScalarType.Byte, 1),
        ("I8", ScalarType.Int8, 1),
        ("I16", ScalarType.Int16, 2),
        ("F16", ScalarType.Float16, 2),
        ("BF16", ScalarType.BFloat16, 2),
        ("I32", ScalarType.Int32, 4),
        ("F32", ScalarType.Float32, 4),
        ("F64", ScalarType.Float64, 8),
        ("I64", ScalarType.Int64, 8),
    ];

    /// <summary>The supported names, for error messages.</summary>
    public static string Supported => string.Join(", ", Known.Select(k => k.Code));

    /// <summary>The dtype and element size a header name stands for; false for names TorchSharp has no dtype for here (U16, F8_E4M3, …).</summary>
    public static bool TryParse(string code, out ScalarType dtype, out int size)
    {
        foreach (var known in Known)
        {
            if (known.Code == code)
            {
                (dtype, size) = (known.DType, known.Size);
                return true;
            }
        }
        (dtype, size) = (default, 0);
        return false;
    }

    /// <summary>Whether PyBridge's writer has a name for <paramref name="dtype"/>.</summary>
    public static bool IsSupported(ScalarType dtype) => Known.Any(k => k.DType == dtype);
}
