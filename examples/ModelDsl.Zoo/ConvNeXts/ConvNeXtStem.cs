namespace ModelDsl.Zoo.ConvNeXts;

/// <summary>ConvNeXt's stem (<c>features.0</c>, an <c>nn.Sequential</c>): 4x4 stride-4 convolution with bias, LayerNorm2d.</summary>
[Block("out", Sequential = true)]
public partial class ConvNeXtStem
{
    /// <summary>The patchify convolution.</summary>
    [Conv2d("out", Kernel = 4, Stride = 4)] public partial Layer Conv { get; }

    /// <summary>LayerNorm over the channels.</summary>
    [LayerNorm2d(Eps = 1e-6)] public partial Layer Norm { get; }
}
