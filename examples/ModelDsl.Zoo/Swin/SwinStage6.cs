namespace ModelDsl.Zoo.Swin;

/// <summary>A Swin stage of six blocks, every second one shifted by half a window.</summary>
[Block("dim", "heads", Sequential = true)]
public partial class SwinStage6
{
    /// <summary>Plain windows.</summary>
    [Block(typeof(SwinBlockV2), "dim = dim", "heads = heads")] public partial Layer Block0 { get; }

    /// <summary>Shifted windows.</summary>
    [Block(typeof(SwinBlockV2), "dim = dim", "heads = heads", "shift = 4")] public partial Layer Block1 { get; }

    /// <summary>Plain windows.</summary>
    [Block(typeof(SwinBlockV2), "dim = dim", "heads = heads")] public partial Layer Block2 { get; }

    /// <summary>Shifted windows.</summary>
    [Block(typeof(SwinBlockV2), "dim = dim", "heads = heads", "shift = 4")] public partial Layer Block3 { get; }

    /// <summary>Plain windows.</summary>
    [Block(typeof(SwinBlockV2), "dim = dim", "heads = heads")] public partial Layer Block4 { get; }

    /// <summary>Shifted windows.</summary>
    [Block(typeof(SwinBlockV2), "dim = dim", "heads = heads", "shift = 4")] public partial Layer Block5 { get; }
}
