// Also compiled into the generator and the analyzers (linked, MODELDSL_LINKED_ATTRIBUTES defined: internal, in their
// namespace), so that they read these arguments by name rather than by ordinal.
#if MODELDSL_LINKED_ATTRIBUTES
namespace ModelDsl.Generators;
#else
namespace ModelDsl;
#endif

/// <summary>What a model's per-sample input is (see <c>ModelAttribute.Kind</c>).</summary>
#if MODELDSL_LINKED_ATTRIBUTES
internal enum InputKind
#else
public enum InputKind
#endif
{
    /// <summary>Decided by the rank of <c>ModelAttribute.InputShape</c>: 3 is an image, 2 a sequence, 1 a vector.</summary>
    Auto,

    /// <summary>An image [C, H, W].</summary>
    Image,

    /// <summary>A feature vector [F].</summary>
    Vector,

    /// <summary>A sequence of feature vectors [T, D], token-major, as transformer layers take.</summary>
    Sequence,

    /// <summary>A channel-first signal [C, L], as <c>Conv1d</c> takes.</summary>
    Signal,
}

/// <summary>How a generated model stores its 4-d weights and activations (see <c>ModelAttribute.MemoryFormat</c>).</summary>
#if MODELDSL_LINKED_ATTRIBUTES
internal enum MemoryFormat
#else
public enum MemoryFormat
#endif
{
    /// <summary>
    /// Channels-last for a convolutional model on images (one with a <c>Conv2d</c> and an image input), where oneDNN's
    /// fastest CPU kernels expect it; contiguous (NCHW) otherwise.
    /// </summary>
    Auto,

    /// <summary>Channels-last (NHWC in memory, shapes unchanged): the constructor calls <c>ToChannelsLast()</c> and <c>Forward</c> converts a 4-d input once.</summary>
    ChannelsLast,

    /// <summary>PyTorch's default contiguous layout (NCHW); nothing is converted.</summary>
    Contiguous,
}
