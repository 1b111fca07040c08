namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// What a user sees: a fresh project referencing the runtime and the generator (which carries the analyzers) is built with
/// <c>dotnet build</c>, one mistake per diagnostic family in its own file, and the build output must carry each MDSL
/// id with its message at file(line,col) of the attribute that is wrong — and no CS9248, which is all the compiler
/// printed before the generator completed invalid classes.
/// </summary>
public sealed class RealBuildTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("modeldsl-build-").FullName;

    private static readonly (string File, string Source)[] Files =
    [
        ("Declaration.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [8])]
            public partial class Declaration
            {
                [Linear("width")] public partial Layer Head { get; }
            }
            """),
        ("Shape.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [3, 4, 4])]
            public partial class Shape
            {
                [Conv2d(8, Kernel = 7)] public partial Layer Stem { get; }
            }
            """),
        ("NamedStage.cs", """
            using ModelDsl;
            namespace Consumer;

            [Block("width")]
            public partial class Unit
            {
                [Conv2d("width", Kernel = 3, Padding = 1), ReLU] public partial Layer Body { get; }
            }

            [Model(InputShape = [3, 8, 8])]
            public partial class NamedStage
            {
                [Conv2d(4, Kernel = 1),
                 Stage(typeof(Unit), "width = 4", Blocks = 3, Name = "k"),
                 Conv2d(8, Kernel = 9)]
                public partial Layer Features { get; }
            }
            """),
        ("Budget.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [784])]
            [FlopBudget(MaxMFlops = 0.001)]
            public partial class Budget
            {
                [Linear(128), ReLU, Linear(10)] public partial Layer Body { get; }
            }
            """),
        ("Compression.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [64])]
            [Variant("Sparse", Sparsity = "4:2")]
            public partial class Compression
            {
                [Linear(64), ReLU, Linear(10)] public partial Layer Body { get; }
            }
            """),
        ("Gate.cs", """
            using ModelDsl;
            namespace Consumer;

            [Block("squeeze")]
            [Residual(Combine = Combine.Multiply)]
            public partial class Gate
            {
                [AdaptiveAvgPool2d(1), Conv2d("squeeze", Kernel = 1), ReLU, Conv2d(8, Kernel = 1), Hardsigmoid] public partial Layer Body { get; }
            }

            [Model(InputShape = [16, 8, 8])]
            public partial class Gated
            {
                [Block(typeof(Gate), "squeeze = 4")] public partial Layer Se { get; }
            }
            """),
        ("Concat.cs", """
            using ModelDsl;
            namespace Consumer;

            [Block("growth")]
            [Residual(Combine = Combine.Concat)]
            public partial class Dense
            {
                [BatchNorm2d, ReLU, Conv2d("growth", Kernel = 3, Stride = 2, Padding = 1, Bias = false)] public partial Layer Body { get; }
            }

            [Model(InputShape = [16, 8, 8])]
            public partial class Concatenated
            {
                [Block(typeof(Dense), "growth = 4")] public partial Layer Layer1 { get; }
            }
            """),
        ("Custom.cs", """
            using ModelDsl;
            namespace Consumer;

            public sealed class Scaler
            {
            }

            [Model(InputShape = [8, 4, 4])]
            public partial class Custom
            {
                [Custom(typeof(Scaler), 2)] public partial Layer Scale { get; }
            }
            """),
        ("PartName.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [10, 32])]
            public partial class PartName
            {
                [MultiheadAttention(4, QkvName = "attn.qkv", ProjName = "proj")] public partial Layer Attn { get; }
            }
            """),
        ("ChannelsLast.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [16, 8, 8])]
            public partial class ChannelsLast
            {
                [Permute(1, 2, 0), ShiftedWindowAttentionV2(3, Window = 4), Permute(2, 0, 1)] public partial Layer Attn { get; }
            }
            """),
        ("Shuffle.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [16, 8, 8])]
            public partial class Shuffle
            {
                [Conv2d(16, Kernel = 1), ChannelShuffle(3)] public partial Layer Body { get; }
            }
            """),
        ("NormOption.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [16, 8, 8])]
            public partial class NormOption
            {
                [BatchNorm2d(Eps = 0.001, Momentum = 1.5), Hardswish] public partial Layer Norm { get; }
            }
            """),
        ("Fit.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [64])]
            [Variant("Fit", FitBudget = true)]
            public partial class Fit
            {
                [Linear(32), ReLU, Linear(10)] public partial Layer Body { get; }
            }
            """),
        ("VariantBudget.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [64])]
            [Variant("Half", KeepChannels = 0.5, MaxMMacs = 0.001)]
            public partial class VariantBudget
            {
                [Linear(32), ReLU, Linear(10)] public partial Layer Body { get; }
            }
            """),
        ("InsideStage.cs", """
            using ModelDsl;
            namespace Consumer;

            [Block("width")]
            public partial class Down
            {
                [Conv2d("width", Kernel = 3, Stride = 2)] public partial Layer Conv { get; }
            }

            [Model(InputShape = [3, 16, 16])]
            public partial class InsideStage
            {
                [Conv2d(4, Kernel = 1),
                 Stage(typeof(Down), "width = 4", Blocks = 4, Name = "k"),
                 ReLU]
                public partial Layer Features { get; }
            }
            """),
        ("Inputs.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [0, 32, 32])]
            public partial class ZeroInput
            {
                [Conv2d(8, Kernel = 3)] public partial Layer Stem { get; }
            }

            [Model(InputShape = [-3, 32, 32])]
            public partial class NegativeInput
            {
                [Conv2d(8, Kernel = 3)] public partial Layer Stem { get; }
            }

            [Model(InputShape = [])]
            public partial class EmptyInput
            {
                [Linear(8)] public partial Layer Fc { get; }
            }
            """),
        ("Arguments.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [8])]
            public partial class NoOutputs
            {
                [Linear(0)] public partial Layer Fc { get; }
            }

            [Model(InputShape = [3, 8, 8])]
            public partial class NoStride
            {
                [Conv2d(8, Kernel = 3, Stride = 0)] public partial Layer Stem { get; }
            }
            """),
        ("Expressions.cs", """
            using ModelDsl;
            namespace Consumer;

            [Block("planes")]
            public partial class ByZero
            {
                [Conv2d("planes / 0", Kernel = 1)] public partial Layer Conv { get; }
            }

            [Block("planes")]
            public partial class TooWide
            {
                [Conv2d("planes * 99999999999", Kernel = 1)] public partial Layer Conv { get; }
            }

            [Block("planes")]
            public partial class Unclosed
            {
                [Conv2d("((((", Kernel = 1)] public partial Layer Conv { get; }
            }

            // Two models: inference reports a model's first shape error only.
            [Model(InputShape = [3, 8, 8])]
            public partial class DividedByZero
            {
                [Block(typeof(ByZero), "planes = 4")] public partial Layer A { get; }
            }

            [Model(InputShape = [3, 8, 8])]
            public partial class Multiplied
            {
                [Block(typeof(TooWide), "planes = 4")] public partial Layer B { get; }
            }
            """),
        ("Names.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [8])]
            public partial class Colliding
            {
                [Linear(4)] public partial Layer FooBar { get; }
                [Linear(4)] public partial Layer Foo_Bar { get; }
            }

            [Model(InputShape = [8])]
            public partial class Dotted
            {
                [Linear(4, Name = "a.b")] public partial Layer Fc { get; }
            }
            """),
        ("Valid.cs", """
            using ModelDsl;
            namespace Consumer;

            // Valid: a verbatim keyword member and the documented memory format compile and are costed.
            [Model(InputShape = [3, 8, 8], MemoryFormat = MemoryFormat.Contiguous)]
            public partial class Valid
            {
                [Conv2d(4, Kernel = 3), ReLU] public partial Layer @class { get; }
            }
            """),
        ("Larger.cs", """
            using ModelDsl;
            namespace Consumer;

            // The four mistakes in larger models: wrong groups, a wrong shortcut, a kernel too big, heads not dividing the width.
            [Block("planes", "stride = 1")]
            [Residual(Shortcut.Projection)]
            public partial class Grouped
            {
                [Conv2d("planes", Kernel = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Reduce { get; }
                [Conv2d("planes", Kernel = 3, Stride = "stride", Padding = 1, Groups = 3, Bias = false), BatchNorm2d, ReLU] public partial Layer Mix { get; }
                [Conv2d("planes * 2", Kernel = 1, Bias = false), BatchNorm2d] public partial Layer Expand { get; }
            }

            [Model(InputShape = [3, 32, 32])]
            public partial class WrongGroups
            {
                [Conv2d(16, Kernel = 3, Padding = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Stem { get; }
                [Stage(typeof(Grouped), "planes = 16", Blocks = 2)] public partial Layer Layer1 { get; }
                [AdaptiveAvgPool2d(1), Flatten, Linear(10)] public partial Layer Fc { get; }
            }

            [Block("planes", "stride = 1")]
            [Residual]
            public partial class Plain
            {
                [Conv2d("planes", Kernel = 3, Stride = "stride", Padding = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Conv1 { get; }
                [Conv2d("planes", Kernel = 3, Padding = 1, Bias = false), BatchNorm2d] public partial Layer Conv2 { get; }
            }

            [Model(InputShape = [3, 32, 32])]
            public partial class WrongShortcut
            {
                [Conv2d(16, Kernel = 3, Padding = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Stem { get; }
                [Stage(typeof(Plain), "planes = 16", Blocks = 2)] public partial Layer Layer1 { get; }
                [Stage(typeof(Plain), "planes = 32", "stride = 2", Blocks = 2)] public partial Layer Layer2 { get; }
                [AdaptiveAvgPool2d(1), Flatten, Linear(10)] public partial Layer Fc { get; }
            }

            [Block("planes", "stride = 1")]
            [Residual(Shortcut.Projection)]
            public partial class Basic
            {
                [Conv2d("planes", Kernel = 3, Stride = "stride", Padding = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Conv1 { get; }
                [Conv2d("planes", Kernel = 3, Padding = 1, Bias = false), BatchNorm2d] public partial Layer Conv2 { get; }
            }

            [Model(InputShape = [3, 32, 32])]
            public partial class KernelTooBig
            {
                [Conv2d(16, Kernel = 3, Padding = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Stem { get; }
                [Stage(typeof(Basic), "planes = 32", "stride = 2", Blocks = 2)] public partial Layer Layer1 { get; }
                [Stage(typeof(Basic), "planes = 64", "stride = 2", Blocks = 2)] public partial Layer Layer2 { get; }
                [Conv2d(64, Kernel = 11)] public partial Layer Head { get; }
                [AdaptiveAvgPool2d(1), Flatten, Linear(10)] public partial Layer Fc { get; }
            }

            [Block("heads")]
            [Residual(From = nameof(Ln1), Through = nameof(Attn))]
            public partial class Decoder
            {
                [LayerNorm] public partial Layer Ln1 { get; }
                [CausalSelfAttention("heads")] public partial Layer Attn { get; }
            }

            [Model(SequenceLength = 16, Vocabulary = 100)]
            public partial class WrongHeads
            {
                [Embedding(32)] public partial Layer Embed { get; }
                [Stage(typeof(Decoder), "heads = 5", Blocks = 2)] public partial Layer H { get; }
                [Linear(100)] public partial Layer Head { get; }
            }
            """),
        ("Overflows.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [2000000000])]
            public partial class WideLinear
            {
                [Linear(2_000_000_000)] public partial Layer Fc { get; }
            }

            [Model(InputShape = [2000000000, 64])]
            public partial class LongAttention
            {
                [MultiheadAttention(4)] public partial Layer Attention { get; }
            }

            [Model(InputShape = [1500000000])]
            public partial class OverflowingSum
            {
                [Linear(1_500_000_000)] public partial Layer A { get; }
                [Linear(1_500_000_000)] public partial Layer B { get; }
            }
            """),
        ("LayerWidths.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [64])]
            [Variant("Tail", KeepLayers = "body.9 = 0.5")]
            public partial class LayerWidths
            {
                [Linear(32), ReLU, Linear(10)] public partial Layer Body { get; }
            }
            """),
        ("Prune.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [64])]
            [Variant("Sparse", Prune = 1.5)]
            [Variant("TwoFour", Sparsity = "2:4")]
            [Variant("Global", Prune = 0.9, GlobalRanking = true)]
            public partial class Pruned
            {
                [Linear(64), ReLU, Linear(16)] public partial Layer Body { get; }
            }
            """),
        ("Overflow.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [100000, 100000, 100000])]
            public partial class Overflow
            {
                [Conv2d(100000, Kernel = 3, Padding = 1)] public partial Layer Stem { get; }
            }
            """),
        // A variant whose class name the user's code already has: said on the variant's name, not as CS0101 in obj/.
        ("Taken.cs", """
            using ModelDsl;
            namespace Consumer;

            public sealed class TakenSlim { }

            [Model(InputShape = [8])]
            [Variant("Slim", KeepChannels = 0.5)]
            public partial class Taken
            {
                [Linear(8), ReLU, Linear(2)] public partial Layer Body { get; }
            }
            """),
    ];

    // An over-budget model with variants that meet the budget, as the Fashion-MNIST demo declares its FashionNet.
    private static readonly (string File, string Source)[] OverBudgetFiles =
    [
        ("Mlp.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [784])]
            [FlopBudget(MaxMFlops = 0.1)]
            [Variant("Fit", FitBudget = true)]
            [Variant("FitInt8", FitBudget = true, Weights = Precision.Int8)]
            public partial class Mlp
            {
                [Linear(128), ReLU] public partial Layer Hidden { get; }
                [Linear(10)] public partial Layer Output { get; }
            }
            """),
        ("Program.cs", """
            System.Console.WriteLine(Consumer.MlpFitInt8.TotalMacs);
            """),
    ];

    // The forgotten [Flatten]: a warning, so the build succeeds; a #pragma silences it on its line as any warning.
    private static readonly (string File, string Source)[] FeatureMapFiles =
    [
        ("FeatureMap.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [1, 28, 28])]
            public partial class Net
            {
                [Conv2d(8, Kernel = 3, Padding = 1)] public partial Layer C1 { get; }
                [ReLU] public partial Layer R1 { get; }
                [Linear(10)] public partial Layer Fc { get; }
            }
            """),
        ("Silenced.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [3, 8, 8])]
            public partial class WidthMixer
            {
            #pragma warning disable MDSL1007 // a Linear along the width is meant
                [Linear(8)] public partial Layer Width { get; }
            #pragma warning restore MDSL1007
            }
            """),
    ];

    // Attributes the compiler cannot bind: each a declaration error, after which the build runs no analyzer.
    private static readonly (string File, string Source)[] UnboundFiles =
    [
        ("Unbound.cs", """
            using ModelDsl;
            namespace Consumer;

            [Model(InputShape = [3, 8, 8])]
            public partial class WrongType
            {
                [Conv2d(4, Kernel = 3), ReLU] public partial Layer Stem { get; }
                [Flatten, Linear(10, Bias = 3)] public partial Layer Head { get; }
            }

            [Block("planes")]
            public partial class NoSuchConstructor
            {
                [BatchNorm2d("planes", 2, 3)] public partial Layer Norm { get; }
            }

            [Model(InputShape = [3, 8, 8])]
            public partial class UsesTheBlock
            {
                [Block(typeof(NoSuchConstructor), "planes = 3")] public partial Layer Body { get; }
            }

            [Model(InputShape = [3, 8, 8])]
            public partial class Misspelt
            {
                [Conv2d(4, Kernal = 3)] public partial Layer Stem { get; }
            }
            """),
    ];

    [Fact]
    public void DotnetBuildPrintsEachMistakeOnTheAttributeThatIsWrong()
    {
        WriteProject(Files, "Library");
        var (exitCode, output) = Build();

        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain("CS9248", output, StringComparison.Ordinal);
        Expect(Files, output, "Declaration.cs", "\"width\"", "error MDSL0006", "'width' in \"width\" is not a parameter of a model");
        Expect(Files, output, "Shape.cs", "Conv2d(8, Kernel = 7)", "error MDSL1003", "Layer 'stem': kernel larger than its padded input");

        // The layer after a named multi-block stage: the stage takes one position of the nn.Sequential, not one per block.
        Expect(Files, output, "NamedStage.cs", "Conv2d(8, Kernel = 9)", "error MDSL1003", "Layer 'features.2': kernel larger than its padded input");
        // 784·128 MACs → 200,704 FLOPs + 128 bias adds; 128 ReLUs; 128·10 MACs → 2,560 + 10 bias adds: 203,530 FLOPs.
        Expect(Files, output, "Budget.cs", "MaxMFlops = 0.001", "warning MDSL2001", "Model 'Budget' needs 0.204 MFLOPs, over its budget of 0.001 MFLOPs");
        Expect(Files, output, "Compression.cs", "Sparsity = \"4:2\"", "error MDSL3001", "Sparsity \"4:2\" of variant 'Sparse' is not a valid N:M pattern");
        // A gate whose branch ends at 8 channels cannot scale a 16-channel input: reported on the block's use.
        Expect(Files, output, "Gate.cs", "Block(typeof(Gate), \"squeeze = 4\")", "error MDSL1002", "Residual at 'se.mul': branches disagree: expected the gate to broadcast over the input's shape [16, 8, 8]");
        // A dense layer whose new features are at half the resolution cannot be concatenated to its input.
        Expect(Files, output, "Concat.cs", "Block(typeof(Dense), \"growth = 4\")", "error MDSL1002", "Residual at 'layer1.cat': branches disagree: expected images of the shortcut's height and width [16, 8, 8]");
        Expect(Files, output, "Custom.cs", "typeof(Scaler)", "error MDSL0009", "'Consumer.Scaler' cannot be a custom layer: it does not derive from TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>");
        Expect(Files, output, "PartName.cs", "QkvName = \"attn.qkv\"", "error MDSL0011", "QkvName = \"attn.qkv\" on MultiheadAttention is not one state-dict name: use letters, digits and '_' only (a '.' would put it inside a module the layer does not have)");
        // Issue 10's constructs: window attention whose 3 heads do not divide 16 channels, a shuffle of 16 channels in 3
        // groups, a momentum that is no blend weight — each on the attribute (or argument) that is wrong.
        Expect(Files, output, "ChannelsLast.cs", "ShiftedWindowAttentionV2(3, Window = 4)", "error MDSL1004", "Layer 'attn.1' (heads): expected heads dividing the width 16, got heads = 3");
        Expect(Files, output, "Shuffle.cs", "ChannelShuffle(3)", "error MDSL1004", "Layer 'body.1' (groups): expected groups dividing the 16 input channels, got groups = 3");
        Expect(Files, output, "NormOption.cs", "Momentum = 1.5", "error MDSL0005", "Argument 'Momentum' of [BatchNorm2d] is malformed: expected a momentum in [0, 1], got 1.5");
        Expect(Files, output, "Fit.cs", "FitBudget = true", "warning MDSL3010", "Variant 'Fit' has FitBudget, but neither it nor the model declares a budget (MaxMFlops, … on the variant, or [FlopBudget] or [ParameterBudget] on the model) to fit; no class is generated for it");
        // Half of 64 → 32 → 10 is 64·16 + 16·10 = 1,184 MACs, 18.4% over the variant's own 1,000.
        Expect(Files, output, "VariantBudget.cs", "MaxMMacs = 0.001", "warning MDSL2008", "Variant 'Half' (VariantBudgetHalf) needs 1,184 MACs, over its MaxMMacs = 0.001 (1,000 MACs) by 18.4%");
        Expect(Files, output, "LayerWidths.cs", "KeepLayers = \"body.9 = 0.5\"", "error MDSL3019", "KeepLayers of variant 'Tail': 'body.9' is not a prunable layer of the model; the prunable ones are body.0");
        Expect(Files, output, "Prune.cs", "Prune = 1.5", "error MDSL3011", "Prune = 1.5 of variant 'Sparse' is outside (0, 1): it is the fraction of each layer's weights set to zero");
        // The valid sparse variants of the same model are generated classes now: no "not generated" warning for them.
        Assert.DoesNotContain("MDSL3009", output, StringComparison.Ordinal);

        // Inside a named stage of four blocks: 16 → 7 → 3 → 1, and the fourth block's 3×3 kernel meets a 1×1 input.
        Expect(Files, output, "InsideStage.cs", "Stage(typeof(Down), \"width = 4\", Blocks = 4, Name = \"k\")", "error MDSL1003", "Layer 'features.k.3.conv': kernel larger than its padded input");

        // The measured reproductions (each a model the generator rejects, so each also compiles as a completion).
        Expect(Files, output, "Inputs.cs", "Model(InputShape = [0, 32, 32])", "error MDSL1005", "Input of model 'ZeroInput': expected 3 positive dimensions for Image, got [0, 32, 32]");
        Expect(Files, output, "Inputs.cs", "Model(InputShape = [-3, 32, 32])", "error MDSL1005", "Input of model 'NegativeInput': expected 3 positive dimensions for Image, got [-3, 32, 32]");
        Expect(Files, output, "Inputs.cs", "Model(InputShape = [])", "error MDSL1005", "Input of model 'EmptyInput': expected ");
        Expect(Files, output, "Arguments.cs", "Linear(0)", "error MDSL1004", "Layer 'fc' (out): expected a positive integer, got 0");
        Expect(Files, output, "Arguments.cs", "Conv2d(8, Kernel = 3, Stride = 0)", "error MDSL1004", "Layer 'stem' (stride): expected a positive integer, got 0");
        Expect(Files, output, "Expressions.cs", "Block(typeof(ByZero), \"planes = 4\")", "error MDSL1004", "Layer 'a.conv' (out): expected an integer, got \"planes / 0\": division by zero");
        // 4 · 99,999,999,999 = 399,999,999,996 channels.
        Expect(Files, output, "Expressions.cs", "Block(typeof(TooWide), \"planes = 4\")", "error MDSL1004", "Layer 'b.conv' (out): expected a value that fits in 32 bits, got 399999999996");
        Expect(Files, output, "Expressions.cs", "\"((((\"", "error MDSL0005", "Argument 'outChannels' of [Conv2d] is malformed: expression \"((((\" ends where a value was expected");
        Expect(Files, output, "Names.cs", "Foo_Bar", "error MDSL0002", "Layer member 'Foo_Bar' has the state-dict name 'foo_bar', as member 'FooBar' has");
        Expect(Files, output, "Names.cs", "Name = \"a.b\"", "error MDSL0005", "Argument 'Name' of [Linear] is malformed: expected a state-dict name (letters, digits, '_'), got \"a.b\"");

        // Groups = 3 cannot divide 16 channels; reported on the stage that uses the block (layer1.0's mix is its nn.Sequential, conv first).
        Expect(Files, output, "Larger.cs", "Stage(typeof(Grouped), \"planes = 16\", Blocks = 2)", "error MDSL1004", "Layer 'layer1.0.mix.0' (groups): expected groups dividing in channels 16 and out channels 16, got groups = 3");
        // An identity shortcut around a stride-2 block that doubles the channels: [16, 32, 32] in, [32, 16, 16] out.
        Expect(Files, output, "Larger.cs", "Stage(typeof(Plain), \"planes = 32\", \"stride = 2\", Blocks = 2)", "error MDSL1002", "Residual at 'layer2.0.add': branches disagree: expected the branch to keep the shortcut's shape [16, 32, 32] for an identity shortcut, got [32, 16, 16]");
        // 32 → 16 → 8 after two stride-2 stages: an 11×11 kernel does not fit an unpadded 8×8 map.
        Expect(Files, output, "Larger.cs", "Conv2d(64, Kernel = 11)", "error MDSL1003", "Layer 'head': kernel larger than its padded input: expected a kernel extent of at most the padded input 8");
        // Width 32 (the embedding), 5 heads.
        Expect(Files, output, "Larger.cs", "Stage(typeof(Decoder), \"heads = 5\", Blocks = 2)", "error MDSL1004", "Layer 'h.0.attn' (heads): expected a number of heads dividing the width 32, got 5");

        // Every overflow of the issue: one layer's weight bytes (2e9 · 2e9 · 4 > 2^63), attention at T = 2e9 (T² · 64), a sum.
        Expect(Files, output, "Overflows.cs", "Linear(2_000_000_000)", "error MDSL2006", "Model 'WideLinear' cannot be costed: a figure of layer 'fc'");
        Expect(Files, output, "Overflows.cs", "MultiheadAttention(4)", "error MDSL2006", "Model 'LongAttention' cannot be costed: a figure of layer 'attention'");
        Expect(Files, output, "Overflows.cs", "Model(InputShape = [1500000000])", "error MDSL2006", "Model 'OverflowingSum' cannot be costed: a figure of the model total");

        // Nothing the generator wrote fails to compile (an invalid model's completion, @class, the valid models), and the
        // documented MemoryFormat option is accepted with the analyzers attached.
        Assert.DoesNotContain("error CS", output, StringComparison.Ordinal);
        Assert.DoesNotContain(output.Split('\n'), l => l.Contains("Valid.cs", StringComparison.Ordinal) && (l.Contains(": error ", StringComparison.Ordinal) || l.Contains(": warning ", StringComparison.Ordinal)));
        Expect(Files, output, "Overflow.cs", "Conv2d(100000, Kernel = 3, Padding = 1)", "error MDSL2006", "Model 'Overflow' cannot be costed: a figure of layer 'stem'");
        Expect(Files, output, "Taken.cs", "\"Slim\"", "error MDSL0005", "Argument 'name' of [Variant] is malformed: the variant's class 'TakenSlim' is already declared at Taken.cs(4); rename the variant or that type");
    }

    [Fact]
    public void DotnetBuildOfAnOverBudgetModelWithFittedVariantsSucceedsAndPrintsWhichVariantsMeetTheBudget()
    {
        WriteProject(OverBudgetFiles, "Exe");
        var (exitCode, output) = Build();

        // A hidden width h costs 1,590h + 10 FLOPs (2 · 794h MACs, h bias adds, h ReLUs, 10 bias adds) and 794h MACs. Dense,
        // h = 128: 203,530 FLOPs, 103.5 % over 0.1 MFLOPs. Fitted: the largest h with 1,590h + 10 ≤ 100,000 is 62 (98,590
        // FLOPs, 98.6 % of the budget; 49,228 MACs); int8 weights change no FLOP, so FitInt8 has the same figures.
        Assert.True(exitCode == 0, output);
        Expect(OverBudgetFiles, output, "Mlp.cs", "MaxMFlops = 0.1", "warning MDSL2009",
            "Model 'Mlp' needs 0.204 MFLOPs, over its budget of 0.1 MFLOPs by 103.5%; within the budget: MlpFit (0.099 MFLOPs, 98.6% of the budget; 49,228 MACs), " +
            "MlpFitInt8 (0.099 MFLOPs, 98.6% of the budget; 49,228 MACs)");
        Assert.DoesNotContain("MDSL2001", output, StringComparison.Ordinal);
    }

    [Fact]
    public void DotnetBuildWarnsOfALinearOnAFeatureMapAtTheLinear()
    {
        WriteProject(FeatureMapFiles, "Library");
        var (exitCode, output) = Build();

        Assert.True(exitCode == 0, output);
        Expect(FeatureMapFiles, output, "FeatureMap.cs", "Linear(10)", "warning MDSL1007",
            "Layer 'fc' (Linear) maps the last axis (width, 28) of the channel-first feature map [8, 28, 28] from 'r1'; add [Flatten] before it " +
            "to classify the whole feature map, or [Permute(1, 2, 0)] before it if a Linear over the channels at each position is meant");
        Assert.DoesNotContain(output.Split('\n'), l => l.Contains("Silenced.cs", StringComparison.Ordinal) && l.Contains("MDSL1007", StringComparison.Ordinal));
    }

    [Fact]
    public void DotnetBuildOfAnAttributeThatDoesNotCompileSaysWhyModelDslReportsNothingElse()
    {
        WriteProject(UnboundFiles, "Library");
        var (exitCode, output) = Build();

        // The compiler's own error, and ModelDsl's one line on the same attribute (from the generator: no analyzer runs).
        Assert.NotEqual(0, exitCode);
        Assert.Contains("error CS0029: Cannot implicitly convert type 'int' to 'bool'", output, StringComparison.Ordinal);
        Expect(UnboundFiles, output, "Unbound.cs", "Linear(10, Bias = 3)", "error MDSL0014",
            "[Linear] on 'Head' does not compile, so ModelDsl cannot generate model 'WrongType'; fix the compiler's error on it first");
        Assert.Contains("error CS1729: 'BatchNorm2dAttribute' does not contain a constructor that takes 3 arguments", output, StringComparison.Ordinal);
        Expect(UnboundFiles, output, "Unbound.cs", "BatchNorm2d(\"planes\", 2, 3)", "error MDSL0014",
            "[BatchNorm2d] on 'Norm' does not compile, so ModelDsl cannot generate block 'NoSuchConstructor'");

        // A misspelt named argument: the compiler's CS0246 does not say it is an argument, ModelDsl's line does.
        Assert.Contains("error CS0246: The type or namespace name 'Kernal' could not be found", output, StringComparison.Ordinal);
        Expect(UnboundFiles, output, "Unbound.cs", "Kernal", "error MDSL0015",
            "[Conv2d] has no argument 'Kernal' (did you mean 'Kernel'?); its named arguments are Kernel, Stride, Padding, Dilation, Groups, Depthwise, Bias, Name");
        Assert.DoesNotContain("CS9248", output, StringComparison.Ordinal);
    }

    // A fresh project referencing fresh copies of the runtime and the generator, as a package consumer does, with `files`.
    private void WriteProject((string File, string Source)[] files, string outputType)
    {
        var bin = AppContext.BaseDirectory;
        var tools = Path.Combine(directory, "tools");
        Directory.CreateDirectory(tools);

        // Fresh copies: the compiler server caches analyzers by path, and a user's project never builds against ours.
        foreach (var dll in new[] { "ModelDsl.Generators.dll", "ModelDsl.dll" })
        {
            File.Copy(Path.Combine(bin, dll), Path.Combine(tools, dll));
        }

        File.Copy(Path.Combine(Root(), "src", "ModelDsl", "buildTransitive", "ModelDsl.targets"), Path.Combine(tools, "ModelDsl.targets"));

        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>OUTPUT_TYPE</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TorchSharp" Version="0.107.0" />
                <Reference Include="ModelDsl" HintPath="tools/ModelDsl.dll" />
                <Analyzer Include="tools/ModelDsl.Generators.dll" />
              </ItemGroup>
              <!-- What the package's buildTransitive/ gives a consumer: the Layer alias (and the loader step). -->
              <Import Project="tools/ModelDsl.targets" />
            </Project>
            """.Replace("OUTPUT_TYPE", outputType, StringComparison.Ordinal));
        foreach (var (file, source) in files)
        {
            File.WriteAllText(Path.Combine(directory, file), source);
        }
    }

    // The line of the build output for `file` at the (1-based) line and column where `at` starts, with id and message.
    private void Expect((string File, string Source)[] files, string output, string file, string at, string id, string message)
    {
        var source = files.Single(f => f.File == file).Source.Replace("\r\n", "\n", StringComparison.Ordinal);
        var offset = source.IndexOf(at, StringComparison.Ordinal);
        Assert.True(offset >= 0, at + " is not in " + file);
        var line = source[..offset].Count(c => c == '\n') + 1;
        var column = offset - (source.LastIndexOf('\n', offset - 1) + 1) + 1;
        var expected = Path.Combine(directory, file) + "(" + line + "," + column + "): " + id + ": " + message;
        Assert.True(output.Contains(expected, StringComparison.Ordinal), "expected in the build output:\n" + expected + "\n\nbuild output:\n" + output);
    }

    // The same runner as the package consumer test: no MSBuild state from the test host, the user's NuGet cache.
    private (int ExitCode, string Output) Build() =>
        new ModelDsl.Package.Tests.DotNet(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"))
            .Run(directory, "build", "-nologo", "-p:UseSharedCompilation=false", "-clp:NoSummary");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static string Root()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ModelDsl.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("ModelDsl.sln not found above " + AppContext.BaseDirectory);
    }
}
