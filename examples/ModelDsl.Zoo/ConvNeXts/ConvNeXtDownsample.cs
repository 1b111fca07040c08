namespace ModelDsl.Zoo.ConvNeXts;

/// <summary>ConvNeXt's downsampling between stages (an <c>nn.Sequential</c>): LayerNorm2d, 2x2 stride-2 convolution to <c>out</c>.</summary>
[Block("out", Sequential = true)]
public partial class ConvNeXtDownsample
{
    /// <summary>LayerNorm over the channels.</summary>
    [LayerNorm2d(Eps = 1e-6)] public partial Layer Norm { get; }

    /// <summary>The downsampling convolution.</summary>
    [Conv2d("out", Kernel = 2, Stride = 2)] public partial Layer Conv { get; }
}
