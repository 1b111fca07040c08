namespace ModelDsl;

/// <summary>The dtype names used in safetensors headers (<c>"F32"</c>, <c>"BF16"</c>, …).</summary>
internal static class SafeTensorsDType
{
    // Listed in the order of the reference implementation's Dtype enum (increasing alignment). Its writer
    // lays tensors out in the reverse of this order, so with an 8-byte-padded header every tensor's data
    // starts aligned to its element size; we follow it to write byte-identical files.
    private static readonly (string Code, DType DType)[] Known =
    [
        ("BOOL", DType.Bool),
        ("U8", DType.UInt8),
        ("I8", DType.Int8),
        ("I16", DType.Int16),
        ("F16", DType.Float16),
        ("BF16", DType.BFloat16),
        ("I32", DType.Int32),
        ("F32", DType.Float32),
        ("F64", DType.Float64),
        ("I64", DType.Int64),
    ];

    /// <summary>The header name of <paramref name="dtype"/>.</summary>
    public static string Code(DType dtype) => Known[Rank(dtype)].Code;

    /// <summary>The dtype a header name stands for; false for names this runtime has no dtype for (U16, F8_E4M3, …).</summary>
    public static bool TryParse(string code, out DType dtype)
    {
        foreach (var known in Known)
        {
            if (known.Code == code)
            {
                dtype = known.DType;
                return true;
            }
        }
        dtype = default;
        return false;
    }

    /// <summary>Position in the reference ordering; the writer puts higher ranks first.</summary>
    public static int Rank(DType dtype)
    {
        for (var i = 0; i < Known.Length; i++)
        {
            if (Known[i].DType == dtype)
            {
                return i;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "safetensors has no name for this dtype");
    }
}
