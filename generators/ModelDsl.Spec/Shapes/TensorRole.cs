namespace ModelDsl.Spec;

/// <summary>
/// What a layer's tensor is to the layer, set by the shape rule that names it: the rewrites (channel plans, quantised
/// storage) read this rather than the end of the tensor's name, which a renamed part (<c>qkv.weight</c>) can share.
/// </summary>
public enum TensorRole
{
    /// <summary>Anything else: a buffer, a bare parameter, or a tensor of a composite layer's inner part.</summary>
    Other,

    /// <summary>The layer's own weight (<c>weight</c> of a Linear, convolution, norm or embedding).</summary>
    Weight,

    /// <summary>The layer's own bias.</summary>
    Bias,
}
