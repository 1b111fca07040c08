using ModelDsl.Zoo.Decoders;

namespace ModelDsl.OnnxSpeed;

/// <summary>A transformer MLP block at width 1024 (GPT-2's MLP: 1024 → 4096, GELU, → 1024), per token; as ModelDsl.QuantSpeed's.</summary>
[Model(InputShape = [1024])]
[Variant("Int8", Weights = Precision.Int8)]
public partial class MlpBlock
{
    /// <summary>The zoo's GPT-2 MLP block.</summary>
    [Block(typeof(Gpt2Mlp))] public partial Layer Mlp { get; }
}

/// <summary>The Fashion-MNIST demo's CNN (examples/FashionMnist/FashionNet.cs, the same layers) and its int8 variant.</summary>
[Model(InputShape = [1, 28, 28])]
[Variant("Int8", Weights = Precision.Int8)]
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
