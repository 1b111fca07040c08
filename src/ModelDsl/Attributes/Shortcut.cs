// Also compiled into the generator and the analyzers (linked, MODELDSL_LINKED_ATTRIBUTES defined: internal, in their
// namespace), so that they read these arguments by name rather than by ordinal.
#if MODELDSL_LINKED_ATTRIBUTES
namespace ModelDsl.Generators;
#else
namespace ModelDsl;
#endif

/// <summary>The shortcut of a <c>residual</c> block.</summary>
#if MODELDSL_LINKED_ATTRIBUTES
internal enum Shortcut
#else
public enum Shortcut
#endif
{
    /// <summary>The input itself; the branch must keep its shape.</summary>
    Identity,

    /// <summary>
    /// The input itself, or, where the branch changes the shape, a 1×1 convolution without bias and a BatchNorm2d with
    /// the stride that matches (torchvision's <c>downsample</c>), inferred from the shapes.
    /// </summary>
    Projection,

    /// <summary>Added only where the branch keeps the shape (MobileNetV2's inverted residual).</summary>
    IfSameShape,

    /// <summary>
    /// The input's channels split in two: the first half is the shortcut, the second half feeds the branch (ShuffleNetV2's
    /// <c>x1, x2 = x.chunk(2, dim=1)</c>); with <c>Combine.Concat</c> only.
    /// </summary>
    Split,
}
