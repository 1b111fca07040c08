namespace ModelDsl.Zoo.ConvNeXts;

/// <summary>
/// torchvision's ConvNeXt <c>CNBlock</c>: 7x7 depthwise, to channels-last, LayerNorm, Linear to 4C, GELU, Linear back,
/// to channels-first, times the learned <c>layer_scale</c>, plus the input (stochastic depth is the identity at inference).
/// </summary>
[Block]
[Residual]
public partial class CNBlock
{
    /// <summary>torchvision's <c>block</c>: <c>block.0</c> depthwise, <c>block.2</c> norm, <c>block.3</c> and <c>block.5</c> the MLP.</summary>
    [Conv2d(Depthwise = true, Kernel = 7, Padding = 3), Permute(1, 2, 0), LayerNorm(Eps = 1e-6)]
    [Linear("in_channels * 4"), GELU, Linear("in_channels"), Permute(2, 0, 1)]
    public partial Layer Block { get; }

    /// <summary>torchvision's <c>layer_scale</c> [C, 1, 1], a bare parameter of the block.</summary>
    [LayerScale(1e-6)] public partial Layer LayerScale { get; }
}
