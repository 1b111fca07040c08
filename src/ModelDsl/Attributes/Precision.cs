namespace ModelDsl;

/// <summary>Storage precision of a <see cref="VariantAttribute">variant</see>'s weights.</summary>
public enum Precision
{
    /// <summary>32-bit float (the dense model's).</summary>
    Float32,

    /// <summary>8-bit integers with scales.</summary>
    Int8,

    /// <summary>4-bit integers, two per byte, with group scales.</summary>
    Int4,
}
