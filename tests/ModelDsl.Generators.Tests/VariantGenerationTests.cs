using System.Text.RegularExpressions;

namespace ModelDsl.Generators.Tests;

/// <summary>What the generator writes for a structured-pruning variant, read from the generated source.</summary>
public class VariantGenerationTests
{
    [Fact]
    public void AVariantWhoseGroupsAReadByAttentionCannotBeBuiltFromTheDenseModelAndSaysWhy()
    {
        // The Linear's outputs would shrink, but attention does not shrink with them: FromDense says so instead of
        // cutting weights that do not fit. The variant class itself is still a valid model of its own size.
        var run = GeneratorHarness.Generate("""
            using ModelDsl;
            namespace Demo;
            /// <summary>M.</summary>
            [Model(InputShape = [4, 16])]
            [Variant("Half", KeepChannels = 0.5)]
            public partial class M
            {
                /// <summary>L.</summary>
                [Linear(16)] public partial Layer Up { get; }
                /// <summary>A.</summary>
                [MultiheadAttention(2)] public partial Layer Attn { get; }
                /// <summary>O.</summary>
                [Linear(4)] public partial Layer Out { get; }
            }
            """);

        var variant = run.Sources["Demo.MHalf.g.cs"];
        Assert.Contains("public sealed class MHalf", variant, StringComparison.Ordinal);
        Assert.Contains("throw new global::System.NotSupportedException(\"MHalf cannot be built from M: a MultiheadAttention layer at 'attn' would read pruned channels\");", variant, StringComparison.Ordinal);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    [Fact]
    public void ResidualAddsTieTheirBranchAndShortcutChannelsIntoOneGroup()
    {
        // torchvision's coupling, by hand, for SmallResNet (stem; layer1: one identity block; layer2: a projection block
        // then an identity block): each add ties its branch's last conv to whatever produced its shortcut.
        var run = GeneratorHarness.Generate(Sources.SmallResNet, Sources.BasicBlock);
        string[][] expected =
        [
            ["layer1.0.conv2.weight", "stem.conv.weight"],
            ["layer1.0.conv1.weight"],
            ["layer2.0.conv1.weight"],
            ["layer2.0.conv2.weight", "layer2.0.downsample.0.weight", "layer2.1.conv2.weight"],
            ["layer2.1.conv1.weight"],
        ];

        Assert.Equal(Sorted(expected), Sorted(Groups(run.Sources["Demo.SmallResNetSlim.g.cs"])));
    }

    [Fact]
    public void ADepthwiseConvolutionSharesTheGroupOfTheChannelsItReads()
    {
        var run = GeneratorHarness.Generate("""
            using ModelDsl;
            namespace Demo;
            /// <summary>M.</summary>
            [Model(InputShape = [3, 8, 8])]
            [Variant("Half", KeepChannels = 0.5)]
            public partial class M
            {
                /// <summary>Expand, depthwise, project.</summary>
                [Conv2d(16, Kernel = 1), BatchNorm2d, Conv2d(Depthwise = true, Kernel = 3, Padding = 1), BatchNorm2d, Conv2d(8, Kernel = 1), AdaptiveAvgPool2d(1), Flatten, Linear(4)]
                public partial Layer Body { get; }
            }
            """);

        Assert.Equal(
            Sorted([["body.0.bias", "body.0.weight", "body.2.bias", "body.2.weight"], ["body.4.bias", "body.4.weight"]]),
            Sorted(Groups(run.Sources["Demo.MHalf.g.cs"])));
    }

    // The producer lists of the ChannelGroups a FromDense selects.
    private static IEnumerable<IEnumerable<string>> Groups(string source) =>
        Regex.Matches(source, @"ChannelGroup\(\d+, \d+, \[([^\]]*)\]").Select(m => m.Groups[1].Value.Split(", ").Select(p => p.Trim('"')));

    private static List<string> Sorted(IEnumerable<IEnumerable<string>> groups) =>
        groups.Select(g => string.Join(" ", g.Order(StringComparer.Ordinal))).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void AModelWithoutKeepChannelsVariantsGetsNoVariantClass()
    {
        var run = GeneratorHarness.Generate(Sources.Mlp);
        Assert.DoesNotContain(run.Sources.Keys, k => k != "Demo.Mlp.g.cs");
    }
}
