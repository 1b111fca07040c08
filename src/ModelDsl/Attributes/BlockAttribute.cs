namespace ModelDsl;

/// <summary>
/// On a <c>partial</c> class: declares a reusable block whose layer properties are written as a model's are, with
/// parameters that its integer arguments use by name (<c>[Conv2d("planes * 4")]</c>); the name <c>in_channels</c>
/// (the channels, or width, of the block's input) is always in scope.
/// On a <c>partial Layer</c> property of a model or block: one use of a block, with arguments for its parameters; the
/// property is that block, or, beside other layer attributes, one numbered element of the property's sequence.
/// </summary>
/// <example>
/// <code>
/// [Block("planes", "stride = 1")]
/// [Residual(Shortcut.Projection, Through = nameof(Bn2))]
/// public partial class BasicBlock
/// {
///     [Conv2d("planes", Kernel = 3, Stride = "stride", Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
///     …
/// }
///
/// [Block(typeof(BasicBlock), "planes = 64")] public partial Layer Block1 { get; }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class BlockAttribute : Attribute
{
    /// <summary>Declares a block with the given parameters.</summary>
    /// <param name="parameters">
    /// Each <c>"name"</c> (required) or <c>"name = default"</c>, where the default is a number or an expression over
    /// <c>in_channels</c> and earlier parameters (<c>"hidden = in_channels * 4"</c>).
    /// </param>
    public BlockAttribute(params string[] parameters) => Parameters = parameters;

    /// <summary>Uses block <paramref name="block"/> here.</summary>
    /// <param name="block">A class marked <c>[Block]</c>.</param>
    /// <param name="arguments">Each <c>"name = value"</c>: a number or an expression over the enclosing block's parameters.</param>
    public BlockAttribute(Type block, params string[] arguments)
    {
        Type = block;
        Parameters = arguments;
    }

    /// <summary>The block used (on a property); null on a declaration.</summary>
    public Type? Type { get; }

    /// <summary>Parameter declarations (on a class) or arguments (on a property).</summary>
    public string[] Parameters { get; }

    /// <summary>
    /// On a declaration: the block's layers are numbered by position (<c>0</c>, <c>1</c> …) instead of named by their
    /// properties, as in an <c>nn.Sequential</c> subclass such as torchvision's <c>Conv2dNormActivation</c>.
    /// </summary>
    public bool Sequential { get; set; }

    /// <summary>
    /// On a use beside other layer attributes: its state-dict name instead of its position's number (DenseNet's
    /// <c>features.transition1</c>); the position is still counted. On a property of its own the property names the use.
    /// </summary>
    public string? Name { get; set; }
}
