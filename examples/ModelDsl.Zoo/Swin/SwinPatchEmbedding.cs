namespace ModelDsl.Zoo.Swin;

/// <summary>
/// Swin's patch embedding (torchvision's <c>features.0</c>, an <c>nn.Sequential</c>): a 4x4 stride-4 convolution to
/// <c>dim</c>, permuted to channels-last [H/4, W/4, dim], LayerNorm.
/// </summary>
[Block("dim", Sequential = true)]
public partial class SwinPatchEmbedding
{
    /// <summary>The patch convolution.</summary>
    [Conv2d("dim", Kernel = 4, Stride = 4)] public partial Layer Conv { get; }

    /// <summary>[dim, H, W] to [H, W, dim].</summary>
    [Permute(1, 2, 0)] public partial Layer ChannelsLast { get; }

    /// <summary>LayerNorm over the channels.</summary>
    [LayerNorm] public partial Layer Norm { get; }
}
