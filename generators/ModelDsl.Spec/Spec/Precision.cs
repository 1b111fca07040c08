namespace ModelDsl.Spec;

/// <summary>Storage precision of a variant's weights.</summary>
public enum Precision
{
    /// <summary>32-bit float (dense default).</summary>
    Float32,

    /// <summary>8-bit integers with scales.</summary>
    Int8,

    /// <summary>4-bit integers, two per byte, with group scales.</summary>
    Int4,
}
