using ModelDsl;

namespace Digits;

/// <summary>
/// The demo's CNN, declared with the DSL: shapes, cost and the module are generated at compile time, and a model
/// over its budget would be a build warning (MDSL2001).
/// </summary>
[Model(InputShape = [1, 8, 8])]
[FlopBudget(MaxMFlops = 1)]
public partial class DigitsNet
{
    /// <summary>16 feature maps at 8×8.</summary>
    [Conv2d(16, Kernel = 3, Padding = 1), BatchNorm2d, ReLU] public partial Layer Features1 { get; }

    /// <summary>32 feature maps at 4×4.</summary>
    [Conv2d(32, Kernel = 3, Stride = 2, Padding = 1), BatchNorm2d, ReLU] public partial Layer Features2 { get; }

    /// <summary>Global average pooling and the 10-class classifier.</summary>
    [AdaptiveAvgPool2d(1), Flatten, Linear(10)] public partial Layer Classifier { get; }
}
