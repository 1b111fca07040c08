namespace ModelDsl.Generators.Tests;

/// <summary>DSL declarations the driver tests generate from, written as a user would.</summary>
internal static class Sources
{
    public const string Mlp = """
        using ModelDsl;

        namespace Demo;

        /// <summary>A two-layer perceptron for 28x28 digits.</summary>
        [Model(InputShape = [784])]
        [FlopBudget(MaxMFlops = 1)]
        public partial class Mlp
        {
            /// <summary>Hidden layer.</summary>
            [Linear(128), ReLU, Dropout(0.1)] public partial Layer Hidden { get; }

            /// <summary>Classifier.</summary>
            [Linear(10)] public partial Layer Output { get; }
        }
        """;

    public const string BasicBlock = """
        using ModelDsl;

        namespace Demo;

        /// <summary>torchvision's BasicBlock.</summary>
        [Block("planes", "stride = 1")]
        [Residual(Shortcut.Projection, Through = nameof(Bn2))]
        public partial class BasicBlock
        {
            /// <summary>First 3x3 convolution.</summary>
            [Conv2d("planes", Kernel = 3, Stride = "stride", Padding = 1, Bias = false)] public partial Layer Conv1 { get; }

            /// <summary>First norm.</summary>
            [BatchNorm2d] public partial Layer Bn1 { get; }

            /// <summary>Activation.</summary>
            [ReLU] public partial Layer Relu { get; }

            /// <summary>Second 3x3 convolution.</summary>
            [Conv2d("planes", Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv2 { get; }

            /// <summary>Second norm.</summary>
            [BatchNorm2d] public partial Layer Bn2 { get; }

            /// <summary>Activation after the residual add.</summary>
            [ReLU] public partial Layer Out { get; }
        }
        """;

    public const string SmallResNet = """
        using ModelDsl;

        namespace Demo;

        /// <summary>A small CIFAR ResNet.</summary>
        [Model(InputShape = [3, 32, 32])]
        [ParameterBudget(MaxParams = 1_000_000)]
        [Variant("Slim", KeepChannels = 0.5)]
        [Variant("Int8", Weights = Precision.Int8)]
        public partial class SmallResNet
        {
            /// <summary>Stem.</summary>
            [Conv2d(16, Kernel = 3, Padding = 1, Bias = false, Name = "conv"), BatchNorm2d(Name = "bn"), ReLU] public partial Layer Stem { get; }

            /// <summary>Stage 1.</summary>
            [Stage(typeof(BasicBlock), "planes = 16")] public partial Layer Layer1 { get; }

            /// <summary>Stage 2.</summary>
            [Stage(typeof(BasicBlock), "planes = 32", "stride = 2", Blocks = 2)] public partial Layer Layer2 { get; }

            /// <summary>Classifier head.</summary>
            [AdaptiveAvgPool2d(1), Flatten, Linear(10)] public partial Layer Head { get; }
        }
        """;

    public const string Encoder = """
        using ModelDsl;

        namespace Demo;

        /// <summary>A pre-norm transformer layer: two residuals in one block.</summary>
        [Block("heads", "hidden = in_channels * 4")]
        [Residual(From = nameof(Ln1), Through = nameof(Attention))]
        [Residual(From = nameof(Ln2), Through = nameof(Mlp))]
        public partial class EncoderLayer
        {
            /// <summary>Norm before attention.</summary>
            [LayerNorm(Name = "ln_1")] public partial Layer Ln1 { get; }

            /// <summary>Self-attention.</summary>
            [MultiheadAttention("heads")] public partial Layer Attention { get; }

            /// <summary>Norm before the MLP.</summary>
            [LayerNorm(Name = "ln_2")] public partial Layer Ln2 { get; }

            /// <summary>MLP.</summary>
            [Linear("hidden"), GELU, Linear("in_channels")] public partial Layer Mlp { get; }
        }

        /// <summary>Two encoder layers over 16 tokens of width 32.</summary>
        [Model(InputShape = [16, 32])]
        public partial class Encoder
        {
            /// <summary>Layers.</summary>
            [Stage(typeof(EncoderLayer), "heads = 4", Blocks = 2, Item = "layer_{i}")] public partial Layer Layers { get; }

            /// <summary>Final norm.</summary>
            [LayerNorm] public partial Layer Ln { get; }
        }
        """;
}
