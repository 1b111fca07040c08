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
        """
        using ModelDsl;
        namespace Demo;
        [Block("out", "kernel = 3", "stride = 1", "groups = 1", Sequential = true)]
        public partial class ConvBn
        {
            [Conv2d("out", Kernel = "kernel", Stride = "stride", Padding = "(kernel - 1) / 2", Groups = "groups", Bias = false)] public partial Layer Conv { get; }
            [BatchNorm2d] public partial Layer Norm { get; }
            [ReLU6] public partial Layer Activation { get; }
        }
        [Block("out", "stride = 1", "expand = 6")]
        [Residual(Shortcut.IfSameShape)]
        public partial class Inverted
        {
            [Block(typeof(ConvBn), "out = in_channels * expand", "kernel = 1")]
            [Block(typeof(ConvBn), "out = in_channels * expand", "stride = stride", "groups = in_channels * expand")]
            [Conv2d("out", Kernel = 1, Bias = false), BatchNorm2d]
            public partial Layer Conv { get; }
        }
        [Model(InputShape = [3, 32, 32])]
        public partial class MobileV2
        {
            [Block(typeof(ConvBn), "out = 16", "stride = 2")]
            [Stage(typeof(Inverted), "out = 24", "stride = 2", Blocks = 2)]
            [Block(typeof(ConvBn), "out = 64", "kernel = 1")]
            public partial Layer Features { get; }
            [Block(typeof(ConvBn), "out = 8")] public partial ConvBn Last { get; }
            [AdaptiveAvgPool2d(1), Flatten, Dropout(0.2), Linear(10)] public partial Layer Classifier { get; }
        }
        """,
        """
        using ModelDsl;
        namespace Demo;
        [Block]
        public partial class Mlp4
        {
            [Linear("in_channels * 4", Bias = false)] public partial Layer CFc { get; }
            [GELU] public partial Layer Gelu { get; }
            [Linear("in_channels", Bias = false)] public partial Layer CProj { get; }
        }
        [Block("heads")]
        [Residual(From = nameof(Ln1), Through = nameof(Attn))]
        [Residual(From = nameof(Ln2), Through = nameof(Mlp), ProjectionName = "proj")]
        public partial class Decoder
        {
            [LayerNorm(Bias = false, Name = "ln_1")] public partial Layer Ln1 { get; }
            [CausalSelfAttention("heads", Bias = false)] public partial Layer Attn { get; }
            [LayerNorm(Bias = false, Name = "ln_2")] public partial Layer Ln2 { get; }
            [Block(typeof(Mlp4))] public partial Mlp4 Mlp { get; }
        }
        [Block]
        [Residual]
        public partial class MambaLayer
        {
            [RMSNorm] public partial Layer Norm { get; }
            [Mamba] public partial Layer Mixer { get; }
        }
        [Model(InputShape = [16, 32])]
        public partial class Decoders
        {
            [Stage(typeof(Decoder), "heads = 4", Blocks = 2, Item = "layer_{i}")] public partial Layer H { get; }
            [Stage(typeof(MambaLayer), Blocks = 2)] public partial Layer Layers { get; }
            [LayerNorm(Bias = false)] public partial Layer LnF { get; }
        }
        """,
    };
}
