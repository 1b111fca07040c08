// Also compiled into the generator and the analyzers (linked, MODELDSL_LINKED_ATTRIBUTES defined: internal, in their
// namespace), so that they read these arguments by name rather than by ordinal.
#if MODELDSL_LINKED_ATTRIBUTES
namespace ModelDsl.Generators;
#else
namespace ModelDsl;
#endif

/// <summary>Storage precision of a <c>variant</c>'s weights.</summary>
#if MODELDSL_LINKED_ATTRIBUTES
internal enum Precision
#else
public enum Precision
#endif
{
    /// <summary>32-bit float (the dense model's).</summary>
    Float32,

    /// <summary>8-bit integers with scales.</summary>
    Int8,

    /// <summary>4-bit integers, two per byte, with group scales.</summary>
    Int4,
}
