using ModelDsl;

namespace FashionMnist;

/// <summary>
/// The demo's CNN for 28×28 Fashion-MNIST images, declared with the DSL. The dense model needs 3.98 MFLOPs per image, over
/// its 2 MFLOP budget. FitBudget makes the budget solver choose every convolution's width at compile time: FashionNetFit
/// (1.98 MFLOPs, half the dense MACs) meets the budget, and FromDense fills it from the trained dense weights. The build
/// warns MDSL2009 — the dense model over its budget, and each variant class that meets it with its cost (without those
/// variants, MDSL2001 with the three most expensive layers). FashionNetFitInt8 composes the fit with int8 weights;
/// FashionNetInt8 stores every weight int8 (the classifier computes in int8, the convolutions are dequantised at load);
/// FashionNetLr factors the classifier at rank 8 (8 · (3136 + 10) weights instead of 3136 · 10); FashionNetSparse80 keeps
/// 20 % of the conv and Linear weights by global magnitude (at least 5 % of each layer), and FashionNetNm24 keeps 2 of
/// every 4 weights along each reduction, stored compressed (the first convolution stays dense).
/// </summary>
[Model(InputShape = [1, 28, 28])]
[FlopBudget(MaxMFlops = 2)]
[Variant("Fit", FitBudget = true)]
[Variant("FitInt8", FitBudget = true, Weights = Precision.Int8)]
[Variant("Int8", Weights = Precision.Int8)]
[Variant("Lr", Rank = 8)]
[Variant("Sparse80", Prune = 0.8, GlobalRanking = true, MinKeep = 0.05)]
[Variant("Nm24", Sparsity = "2:4")]
public partial class FashionNet
{
    /// <summary>16 feature maps at 28×28, pooled to 14×14.</summary>
    [Conv2d(16, Kernel = 3, Padding = 1, Bias = false), BatchNorm2d, ReLU, MaxPool2d(2)] public partial Layer Block1 { get; }

    /// <summary>32 feature maps at 14×14, pooled to 7×7.</summary>
    [Conv2d(32, Kernel = 3, Padding = 1, Bias = false), BatchNorm2d, ReLU, MaxPool2d(2)] public partial Layer Block2 { get; }

    /// <summary>64 feature maps at 7×7.</summary>
    [Conv2d(64, Kernel = 3, Padding = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Block3 { get; }

    /// <summary>The 10-class classifier over all 64×7×7 features.</summary>
    [Flatten, Linear(10)] public partial Layer Classifier { get; }
}
