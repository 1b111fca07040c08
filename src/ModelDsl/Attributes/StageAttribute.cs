namespace ModelDsl;

/// <summary>
/// A stage: <see cref="Blocks"/> uses of one block in sequence (torchvision's <c>_make_layer</c>), named
/// <c>stage.0</c>, <c>stage.1</c> … (see <see cref="Item"/>). Beside other layer attributes on one property, its blocks
/// continue the property's numbering instead (MobileNetV2's flat <c>features.N</c>). A <c>stride</c> parameter applies to the first block only, the others get 1.
/// </summary>
/// <example><code>[Stage(typeof(BasicBlock), "planes = 128", "stride = 2", Blocks = 2)] public partial Layer Layer2 { get; }</code></example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class StageAttribute : Attribute
{
    /// <summary>A stage of <paramref name="block"/>.</summary>
    /// <param name="block">A class marked <c>[Block]</c>.</param>
    /// <param name="arguments">Each <c>"name = value"</c>, as for <see cref="BlockAttribute(System.Type, string[])"/>.</param>
    public StageAttribute(Type block, params string[] arguments)
    {
        Type = block;
        Arguments = arguments;
    }

    /// <summary>The block repeated.</summary>
    public Type Type { get; }

    /// <summary>Arguments for the block's parameters.</summary>
    public string[] Arguments { get; }

    /// <summary>How many blocks; 1 by default.</summary>
    public int Blocks { get; set; } = 1;

    /// <summary>
    /// The state-dict name of each block, with <c>{i}</c> for its index: <c>"{i}"</c> by default (<c>layer1.0</c>), or e.g.
    /// <c>"encoder_layer_{i}"</c> as torchvision's ViT names its layers; <c>{i+1}</c> counts from 1 (DenseNet's
    /// <c>"denselayer{i+1}"</c>: <c>denselayer1</c> …).
    /// </summary>
    public string? Item { get; set; }

    /// <summary>
    /// Beside other layer attributes on one property: the stage's own state-dict name, making it one named
    /// <c>nn.Sequential</c> element (nanoGPT's <c>transformer.h</c>) instead of continuing the property's numbering.
    /// On a property of its own the property names the stage.
    /// </summary>
    public string? Name { get; set; }
}
