namespace ModelDsl.Zoo.RegNets;

/// <summary>
/// torchvision's <c>SqueezeExcitation</c> (ReLU, Sigmoid gate): x · σ(fc2(relu(fc1(avgpool(x))))) — a multiplying residual.
/// </summary>
[Block("squeeze")]
[Residual(Combine = Combine.Multiply)]
public partial class SqueezeExcitation
{
    /// <summary>Global average pooling to [C, 1, 1].</summary>
    [AdaptiveAvgPool2d(1)] public partial Layer Avgpool { get; }

    /// <summary>Squeeze.</summary>
    [Conv2d("squeeze", Kernel = 1)] public partial Layer Fc1 { get; }

    /// <summary>ReLU.</summary>
    [ReLU] public partial Layer Activation { get; }

    /// <summary>Excite back to the input's channels.</summary>
    [Conv2d("in_channels", Kernel = 1)] public partial Layer Fc2 { get; }

    /// <summary>The gate.</summary>
    [Sigmoid] public partial Layer ScaleActivation { get; }
}
