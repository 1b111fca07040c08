namespace ModelDsl.Analyzers.Tests;

/// <summary>Valid model declarations the robustness test mutates: every DSL feature the analyzers read appears once.</summary>
internal static class Seeds
{
    public static readonly string[] All =
    {
        """
        using ModelDsl;
        namespace Demo;
        [Model(InputShape = [784])]
        [FlopBudget(MaxMFlops = 0.1, MaxMMacs = 0.2)]
        [ParameterBudget(MaxParams = 50000, MaxWeightBytes = 400000)]
        [Variant("Slim", KeepChannels = 0.5)]
        [Variant("Sparse", Sparsity = "2:4")]
        [Variant("Int8", Weights = Precision.Int8)]
        [Variant("Low", Rank = 16)]
        public partial class Mlp
        {
            [Linear(128), ReLU, Dropout(0.1)] public partial Layer Hidden { get; }
            [Linear(64, Bias = false, Name = "fc"), BatchNorm1d, GELU] public partial Layer Second { get; }
            [Linear(10)] public partial Layer Output { get; }
        }
        """,
        """
        using ModelDsl;
        namespace Demo;
        [Block("planes", "stride = 1")]
        [Residual(Shortcut.Projection, Through = nameof(Bn2))]
        public partial class BasicBlock
        {
            [Conv2d("planes", Kernel = 3, Stride = "stride", Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
            [BatchNorm2d] public partial Layer Bn1 { get; }
            [ReLU] public partial Layer Relu { get; }
            [Conv2d("planes", Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv2 { get; }
            [BatchNorm2d] public partial Layer Bn2 { get; }
            [ReLU] public partial Layer Out { get; }
        }

        [Model(InputShape = [3, 32, 32])]
        [FlopBudget(MaxMFlops = 50)]
        [Variant("Half", KeepChannels = 0.5)]
        public partial class SmallResNet
        {
            [Conv2d(16, Kernel = 3, Padding = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Stem { get; }
            [Stage(typeof(BasicBlock), "planes = 16", Blocks = 2)] public partial Layer Layer1 { get; }
            [Stage(typeof(BasicBlock), "planes = 32", "stride = 2", Blocks = 2)] public partial Layer Layer2 { get; }
            [Block(typeof(BasicBlock), "planes = 64", "stride = 2")] public partial Layer Layer3 { get; }
            [AdaptiveAvgPool2d(1), Flatten, Linear(10)] public partial Layer Head { get; }
        }
        """,
        """
        using ModelDsl;
        namespace Demo;
        [Block("width", "hidden = width * 4")]
        [Residual(Shortcut.IfSameShape)]
        public partial class Bottle
        {
            [Conv2d("hidden", Kernel = 1), BatchNorm2d, ReLU6] public partial Layer Expand { get; }
            [Conv2d(Kernel = 3, Padding = 1, Depthwise = true), BatchNorm2d, ReLU6] public partial Layer Depthwise { get; }
            [Conv2d("width", Kernel = 1), BatchNorm2d] public partial Layer Project { get; }
        }

        [Model(InputShape = [3, 16, 16])]
        [ParameterBudget(MaxParams = 10000)]
        public partial class Mobile
        {
            [Conv2d(8, Kernel = 3, Stride = 2, Padding = 1), BatchNorm2d, ReLU6] public partial Layer Stem { get; }
            [Stage(typeof(Bottle), "width = 8", Blocks = 2)] public partial Layer Blocks { get; }
            [MaxPool2d(2), AvgPool2d(2, Stride = 2), Flatten, Linear(4), Softmax] public partial Layer Head { get; }
        }
        """,
        """
        using ModelDsl;
        namespace Demo;
        [Model(SequenceLength = 16, Vocabulary = 100)]
        [FlopBudget(MaxMFlops = 1)]
        [Variant("Sparse", Sparsity = "1:2")]
        public partial class TinyGpt
        {
            [Embedding(32), Dropout(0.1)] public partial Layer Embed { get; }
            [LayerNorm, MultiheadAttention(4, Causal = true)] public partial Layer Attention { get; }
            [LayerNorm, Linear(64), GELU, Linear(32)] public partial Layer Mlp { get; }
            [Linear(100)] public partial Layer Head { get; }
        }
        """,
        """
        using ModelDsl;
        namespace Demo;
        [Model(InputShape = [2, 64], Kind = InputKind.Signal)]
        public partial class Audio
        {
            [Conv1d(8, Kernel = 5, Padding = 2), BatchNorm1d, SiLU] public partial Layer Front { get; }
            [Conv1d(16, Kernel = 3, Stride = 2, Groups = 2), Tanh] public partial Layer Mid { get; }
            [Flatten, Linear(3), Sigmoid] public partial Layer Out { get; }
        }
        """,
    };
}
