using System.Globalization;
using Microsoft.CodeAnalysis;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// MDSL1007, the forgotten <c>[Flatten]</c>: a Linear on a channel-first map maps its last axis (the width of [C, H, W],
/// the length of [C, L]). Reported on the Linear's attribute (inside a block, on the use), with the path, the shape, what
/// made the map and the fix; silent wherever the last axis may be the features.
/// </summary>
public class FeatureMapDiagnosticsTests
{
    private const string Fix = "add [Flatten] before it to classify the whole feature map, or [Permute(1, 2, 0)] before it if a Linear over the channels at each position is meant";

    [Fact]
    public void ALinearAfterConvolutionAndActivationWarns()
    {
        var diagnostics = Verify.Diagnostics("""
            using ModelDsl;
            [Model(InputShape = [1, 28, 28])]
            public partial class Net
            {
                [Conv2d(8, Kernel = 3, Padding = 1)] public partial Layer C1 { get; }
                [ReLU] public partial Layer R1 { get; }
                [{|MDSL1007:Linear(10)|}] public partial Layer Fc { get; }
            }
            """);

        // Padding 1 keeps 28 × 28; the ReLU keeps the layout, so the map comes "from" it.
        var warning = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal("Layer 'fc' (Linear) maps the last axis (width, 28) of the channel-first feature map [8, 28, 28] from 'r1'; " + Fix, Message(warning));
    }

    [Fact]
    public void ALinearOnTheImageInputWarns()
    {
        var diagnostics = Verify.Diagnostics("""
            using ModelDsl;
            [Model(InputShape = [3, 32, 24])]
            public partial class Net
            {
                [{|MDSL1007:Linear(10)|}] public partial Layer Fc { get; }
            }
            """);

        Assert.Equal("Layer 'fc' (Linear) maps the last axis (width, 24) of the channel-first feature map [3, 32, 24] from the model's input; " + Fix, Message(Assert.Single(diagnostics)));
    }

    [Fact]
    public void ALinearAfterPoolingInOneMemberWarnsOnItsOwnAttribute()
    {
        // 3×3 unpadded: 10 → 8; max pool 2: 8 → 4. The Linear is the member's third layer.
        var diagnostics = Verify.Diagnostics("""
            using ModelDsl;
            [Model(InputShape = [3, 10, 10])]
            public partial class Net
            {
                [Conv2d(4, Kernel = 3), MaxPool2d(2), {|MDSL1007:Linear(10)|}] public partial Layer Features { get; }
            }
            """);

        Assert.Equal("Layer 'features.2' (Linear) maps the last axis (width, 4) of the channel-first feature map [4, 4, 4] from 'features.1'; " + Fix, Message(Assert.Single(diagnostics)));
    }

    [Fact]
    public void ALinearAfterAGlobalPoolWithoutFlattenWarns()
    {
        // Global pooling leaves [C, 1, 1]: the Linear would map an axis of size 1.
        var diagnostics = Verify.Diagnostics("""
            using ModelDsl;
            [Model(InputShape = [3, 8, 8])]
            public partial class Net
            {
                [Conv2d(16, Kernel = 3, Padding = 1), BatchNorm2d, ReLU, Dropout(0.2)] public partial Layer Body { get; }
                [AdaptiveAvgPool2d(1), {|MDSL1007:Linear(10)|}] public partial Layer Head { get; }
            }
            """);

        Assert.Equal("Layer 'head.1' (Linear) maps the last axis (width, 1) of the channel-first feature map [16, 1, 1] from 'head.0'; " + Fix, Message(Assert.Single(diagnostics)));
    }

    [Fact]
    public void ALinearInsideABlockWarnsOnTheUse()
    {
        var diagnostics = Verify.Diagnostics("""
            using ModelDsl;
            [Block("planes")]
            public partial class Head
            {
                [Conv2d("planes", Kernel = 1), ReLU] public partial Layer Reduce { get; }
                [Linear(10)] public partial Layer Fc { get; }
            }

            [Model(InputShape = [3, 6, 6])]
            public partial class Net
            {
                [{|MDSL1007:Block(typeof(Head), "planes = 4")|}] public partial Layer Top { get; }
            }
            """);

        Assert.Equal("Layer 'top.fc' (Linear) maps the last axis (width, 6) of the channel-first feature map [4, 6, 6] from 'top.reduce.1'; " + Fix, Message(Assert.Single(diagnostics)));
    }

    [Fact]
    public void ALinearAfterAResidualStageWarnsFromTheStage()
    {
        // The sum of a residual is channel-first; after the stage, the map comes from the stage as one unit.
        var diagnostics = Verify.Diagnostics("""
            using ModelDsl;
            [Block("planes")]
            [Residual]
            public partial class Basic
            {
                [Conv2d("planes", Kernel = 3, Padding = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Conv1 { get; }
                [Conv2d("planes", Kernel = 3, Padding = 1, Bias = false), BatchNorm2d] public partial Layer Conv2 { get; }
            }

            [Model(InputShape = [8, 5, 5])]
            public partial class Net
            {
                [Stage(typeof(Basic), "planes = 8", Blocks = 2)] public partial Layer Layer1 { get; }
                [{|MDSL1007:Linear(10)|}] public partial Layer Fc { get; }
            }
            """);

        Assert.Equal("Layer 'fc' (Linear) maps the last axis (width, 5) of the channel-first feature map [8, 5, 5] from 'layer1'; " + Fix, Message(Assert.Single(diagnostics)));
    }

    [Fact]
    public void ALinearAfterConvNeXtsBlockWarns()
    {
        // The branch permutes back to [C, H, W] before its layer scale, and the identity shortcut is channel-first: the sum is.
        var diagnostics = Verify.Diagnostics("""
            using ModelDsl;
            [Block]
            [Residual]
            public partial class CNBlock
            {
                [Conv2d(Depthwise = true, Kernel = 7, Padding = 3), Permute(1, 2, 0), LayerNorm(Eps = 1e-6), Linear("in_channels * 4"), GELU, Linear("in_channels"), Permute(2, 0, 1)]
                public partial Layer Block { get; }

                [LayerScale(1e-6)] public partial Layer LayerScale { get; }
            }

            [Model(InputShape = [3, 32, 32])]
            public partial class Net
            {
                [Conv2d(16, Kernel = 4, Stride = 4), LayerNorm2d(Eps = 1e-6)] public partial Layer Stem { get; }
                [Block(typeof(CNBlock))] public partial Layer Block1 { get; }
                [{|MDSL1007:Linear(10)|}] public partial Layer Fc { get; }
            }
            """);

        Assert.Equal("Layer 'fc' (Linear) maps the last axis (width, 8) of the channel-first feature map [16, 8, 8] from 'block1'; " + Fix, Message(Assert.Single(diagnostics)));
    }

    [Fact]
    public void ALinearOnASignalWarnsWithTheLength()
    {
        // Unpadded kernel 3: 16 → 14.
        var diagnostics = Verify.Diagnostics("""
            using ModelDsl;
            [Model(InputShape = [2, 16], Kind = InputKind.Signal)]
            public partial class Net
            {
                [Conv1d(4, Kernel = 3)] public partial Layer Conv { get; }
                [{|MDSL1007:Linear(10)|}] public partial Layer Fc { get; }
            }
            """);

        Assert.Equal(
            "Layer 'fc' (Linear) maps the last axis (length, 14) of the channel-first signal [4, 14] from 'conv'; " +
            "add [Flatten] before it to classify the whole signal, or [Permute(1, 0)] before it if a Linear over the channels at each position is meant",
            Message(Assert.Single(diagnostics)));
    }

    [Fact]
    public void EveryLinearOnAMapWarnsButNotTheOneAfterIt()
    {
        // The second Linear reads the first's output, whose last axis is its features.
        Verify.Diagnostics("""
            using ModelDsl;
            [Model(InputShape = [3, 8, 8])]
            public partial class Net
            {
                [{|MDSL1007:Linear(16)|}, ReLU, Linear(4)] public partial Layer Mixer { get; }
            }
            """);
    }

    [Fact]
    public void APragmaSilencesIt() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
        #pragma warning disable MDSL1007 // a Linear along the width is meant
            [Linear(8)] public partial Layer Width { get; }
        #pragma warning restore MDSL1007
        }
        """);

    [Fact]
    public void FlattenBeforeTheLinearIsSilent() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [1, 28, 28])]
        public partial class Net
        {
            [Conv2d(8, Kernel = 3, Padding = 1), ReLU] public partial Layer Features { get; }
            [MaxPool2d(2), Flatten, Linear(10)] public partial Layer Head { get; }
            [Flatten] public partial Layer Again { get; }
            [Linear(2)] public partial Layer Out { get; }
        }
        """);

    [Fact]
    public void ASequenceModelIsSilent() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [16, 32])]
        public partial class Net
        {
            [LayerNorm, Linear(64), GELU, Linear(32)] public partial Layer Mlp { get; }
            [MultiheadAttention(4)] public partial Layer Attn { get; }
            [Linear(10)] public partial Layer Head { get; }
        }
        """);

    [Fact]
    public void TokensAndVectorsAreSilent() => Verify.Silent("""
        using ModelDsl;
        [Model(SequenceLength = 8, Vocabulary = 100)]
        public partial class Lm
        {
            [Embedding(32), Linear(100)] public partial Layer Body { get; }
        }

        [Model(InputShape = [784])]
        public partial class Mlp
        {
            [Linear(128), ReLU, Linear(10)] public partial Layer Body { get; }
        }
        """);

    [Fact]
    public void AChannelsLastMapIsSilent() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 16, 16])]
        public partial class Net
        {
            [Conv2d(16, Kernel = 4, Stride = 4), Permute(1, 2, 0), LayerNorm, Linear(32)] public partial Layer Embed { get; }
            [Permute(1, 2, 0), Linear(32)] public partial Layer Direct { get; }
        }
        """);

    [Fact]
    public void TokensFromAnImageAreSilent() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 32, 32])]
        public partial class Vit
        {
            [PatchEmbedding(64, 8), ClassToken, PositionEmbedding] public partial Layer Embed { get; }
            [LayerNorm, Linear(128), GELU, Linear(64)] public partial Layer Mlp { get; }
            [TakeToken, Linear(10)] public partial Layer Head { get; }
        }
        """);

    [Fact]
    public void TheZooDeclaresNoLinearOnAFeatureMap()
    {
        // ConvNeXt and Swin apply Linear to [H, W, C] after Permute; every classifier flattens (or takes a token) first.
        var run = AnalyzerHarness.Analyze(ZooTests.Sources());
        Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Id == "MDSL1007");
    }

    private static string Message(Diagnostic diagnostic) => diagnostic.GetMessage(CultureInfo.InvariantCulture);
}
