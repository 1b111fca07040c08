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

    // ShuffleNetV2's two units (a declared shortcut path; a split) and a DenseNet layer: the concatenating residuals.
    public const string Shuffle = """
        using ModelDsl;

        namespace Demo;

        [Block("out", "stride = 2")]
        [Residual(Combine = Combine.Concat, ShortcutFrom = nameof(Branch1), From = nameof(Branch2), Through = nameof(Branch2))]
        public partial class Down
        {
            [Conv2d(Depthwise = true, Kernel = 3, Stride = "stride", Padding = 1, Bias = false), BatchNorm2d, Conv2d("out / 2", Kernel = 1, Bias = false), BatchNorm2d, ReLU]
            public partial Layer Branch1 { get; }

            [Conv2d("out / 2", Kernel = 1, Bias = false), BatchNorm2d, ReLU, Conv2d(Depthwise = true, Kernel = 3, Stride = "stride", Padding = 1, Bias = false), BatchNorm2d]
            public partial Layer Branch2 { get; }

            [ChannelShuffle(2)] public partial Layer Shuffle { get; }
        }

        [Block]
        [Residual(Shortcut.Split, Combine = Combine.Concat, Through = nameof(Branch2))]
        public partial class Unit
        {
            [Conv2d("in_channels / 2", Kernel = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Branch2 { get; }

            [ChannelShuffle(2)] public partial Layer Shuffle { get; }
        }

        [Block("growth")]
        [Residual(Combine = Combine.Concat)]
        public partial class Dense
        {
            [BatchNorm2d] public partial Layer Norm1 { get; }
            [ReLU] public partial Layer Relu1 { get; }
            [Conv2d("growth", Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
        }

        [Model(InputShape = [16, 16, 16])]
        public partial class Shuffled
        {
            [Block(typeof(Down), "out = 32"), Stage(typeof(Unit), Blocks = 2)] public partial Layer Stage2 { get; }
            [Stage(typeof(Dense), "growth = 8", Blocks = 2, Item = "denselayer{i+1}")] public partial Layer Denseblock { get; }
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
