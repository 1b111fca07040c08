namespace ModelDsl.Zoo.Swin;

/// <summary>A Swin stage of two blocks, the second shifted by half a window (torchvision's <c>nn.Sequential</c> of blocks).</summary>
[Block("dim", "heads", Sequential = true)]
public partial class SwinStage2
{
    /// <summary>Plain windows.</summary>
    [Block(typeof(SwinBlockV2), "dim = dim", "heads = heads")] public partial Layer Block0 { get; }

    /// <summary>Shifted windows.</summary>
    [Block(typeof(SwinBlockV2), "dim = dim", "heads = heads", "shift = 4")] public partial Layer Block1 { get; }
}
