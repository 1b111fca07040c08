namespace ModelDsl.Zoo.EfficientNets;

/// <summary>torchvision's <c>SqueezeExcitation</c> as MBConv uses it: x · σ(fc2(silu(fc1(avgpool(x))))).</summary>
[Block("squeeze")]
[Residual(Combine = Combine.Multiply)]
public partial class SqueezeExcitation
{
    /// <summary>Global average pooling to [C, 1, 1].</summary>
    [AdaptiveAvgPool2d(1)] public partial Layer Avgpool { get; }

    /// <summary>Squeeze.</summary>
    [Conv2d("squeeze", Kernel = 1)] public partial Layer Fc1 { get; }

    /// <summary>SiLU.</summary>
    [SiLU] public partial Layer Activation { get; }

    /// <summary>Excite back to the input's channels.</summary>
    [Conv2d("in_channels", Kernel = 1)] public partial Layer Fc2 { get; }

    /// <summary>The gate.</summary>
    [Sigmoid] public partial Layer ScaleActivation { get; }
}
