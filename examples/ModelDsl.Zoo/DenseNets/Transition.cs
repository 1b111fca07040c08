namespace ModelDsl.Zoo.DenseNets;

/// <summary>torchvision's DenseNet <c>_Transition</c>: BatchNorm, ReLU, 1x1 to <c>out</c>, 2x2 average pooling.</summary>
[Block("out")]
public partial class Transition
{
    /// <summary>Norm.</summary>
    [BatchNorm2d] public partial Layer Norm { get; }

    /// <summary>ReLU.</summary>
    [ReLU] public partial Layer Relu { get; }

    /// <summary>Compression 1x1.</summary>
    [Conv2d("out", Kernel = 1, Bias = false)] public partial Layer Conv { get; }

    /// <summary>Halves the resolution.</summary>
    [AvgPool2d(2, Stride = 2)] public partial Layer Pool { get; }
}
