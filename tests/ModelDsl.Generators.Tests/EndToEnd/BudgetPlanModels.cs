namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>
/// FitNet's layers (a stem, one identity-added block, a strided block with a projection, a classifier) for the
/// load-time budget fit, with the variant that BudgetPlanTests' plan declares: its KeepLayers text pasted in.
/// </summary>
[Model(InputShape = [3, 16, 16])]
[Variant("Planned", KeepLayers = "stem.0 = 0.75, layer1 = 0.75, down = 0.5")]
public partial class PlanNet
{
    /// <summary>Stem.</summary>
    [Conv2d(8, Kernel = 3, Padding = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Stem { get; }

    /// <summary>One identity-added block at the stem's width.</summary>
    [Stage(typeof(ResBlock), "planes = 8")] public partial Layer Layer1 { get; }

    /// <summary>One strided block, used directly.</summary>
    [Block(typeof(ResBlock), "planes = 16", "stride = 2")] public partial Layer Down { get; }

    /// <summary>Pooling.</summary>
    [AdaptiveAvgPool2d(1), Flatten] public partial Layer Pool { get; }

    /// <summary>Classifier.</summary>
    [Linear(10)] public partial Layer Fc { get; }
}

/// <summary>
/// A convolution read by a Linear through Flatten (each channel is 4·4 inputs of it), then a hidden Linear: the load-time
/// fit's cuts with a repeat, and the variant of the widths BudgetPlanTests plans for it.
/// </summary>
[Model(InputShape = [3, 8, 8])]
[Variant("Planned", KeepLayers = "features.0 = 0.5, hidden.0 = 0.25")]
public partial class FlatNet
{
    /// <summary>Convolution, norm, activation, pooling to 4×4, flattened.</summary>
    [Conv2d(8, Kernel = 3, Padding = 1), BatchNorm2d, ReLU, MaxPool2d(2), Flatten] public partial Layer Features { get; }

    /// <summary>Hidden layer.</summary>
    [Linear(16), ReLU] public partial Layer Hidden { get; }

    /// <summary>Classifier.</summary>
    [Linear(10)] public partial Layer Classifier { get; }
}

/// <summary>
/// A stem and a block at another width and the same resolution, so the block's projection exists only because the
/// channels differ: where the two widths met it would be another network, which the budget fit must never plan.
/// </summary>
[Model(InputShape = [3, 8, 8])]
public partial class GuardNet
{
    /// <summary>Stem.</summary>
    [Conv2d(8, Kernel = 3, Padding = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Stem { get; }

    /// <summary>A stride-1 block from 8 to 12 channels, with a projection.</summary>
    [Block(typeof(ResBlock), "planes = 12")] public partial Layer Wide { get; }

    /// <summary>Pooling.</summary>
    [AdaptiveAvgPool2d(1), Flatten] public partial Layer Pool { get; }

    /// <summary>Classifier.</summary>
    [Linear(10)] public partial Layer Fc { get; }
}

/// <summary>
/// FlatNet's layers under a declared MAC budget of 12,000 (they need 16,032): PlanBudget() with no limit plans for
/// that budget. The dense model is over it on purpose, so its MDSL2002 is silenced here.
/// </summary>
#pragma warning disable MDSL2002
[Model(InputShape = [3, 8, 8])]
[FlopBudget(MaxMMacs = 0.012)]
public partial class BudgetedFlatNet
#pragma warning restore MDSL2002
{
    /// <summary>Convolution, norm, activation, pooling to 4×4, flattened.</summary>
    [Conv2d(8, Kernel = 3, Padding = 1), BatchNorm2d, ReLU, MaxPool2d(2), Flatten] public partial Layer Features { get; }

    /// <summary>Hidden layer.</summary>
    [Linear(16), ReLU] public partial Layer Hidden { get; }

    /// <summary>Classifier.</summary>
    [Linear(10)] public partial Layer Classifier { get; }
}
