// Also compiled into the generator and the analyzers (linked, MODELDSL_LINKED_ATTRIBUTES defined: internal, in their
// namespace), so that they read these arguments by name rather than by ordinal.
#if MODELDSL_LINKED_ATTRIBUTES
namespace ModelDsl.Generators;
#else
namespace ModelDsl;
#endif

/// <summary>How a <c>residual</c> joins its branch to its input.</summary>
#if MODELDSL_LINKED_ATTRIBUTES
internal enum Combine
#else
public enum Combine
#endif
{
    /// <summary>input + branch(input) (ResNet, transformer layers).</summary>
    Add,

    /// <summary>
    /// input · branch(input), the branch's output broadcast over the input (a squeeze-excitation gate:
    /// x · σ(fc2(relu(fc1(pool(x)))))); the shortcut must be <c>Shortcut.Identity</c>.
    /// </summary>
    Multiply,

    /// <summary>
    /// cat(shortcut, branch(input)) along the channels of an image, the shortcut first: DenseNet's dense layer (the
    /// input and its new features), ShuffleNetV2's units (with <c>Shortcut.Split</c> or a declared shortcut path,
    /// <c>ShortcutFrom</c>). Shortcut and branch must agree in height and width.
    /// </summary>
    Concat,
}
