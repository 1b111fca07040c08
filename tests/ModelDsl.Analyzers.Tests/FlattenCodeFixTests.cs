using ModelDsl.CodeFixes;

namespace ModelDsl.Analyzers.Tests;

/// <summary>Before/after for the MDSL1007 fix: a [Flatten] before the Linear, after which the model builds without the warning.</summary>
public class FlattenCodeFixTests
{
    [Fact]
    public async Task AddsAFlattenMemberOnTheLineBeforeTheLinear()
    {
        const string before = """
            using ModelDsl;
            [Model(InputShape = [1, 28, 28])]
            public partial class Net
            {
                [Conv2d(8, Kernel = 3, Padding = 1)] public partial Layer C1 { get; }
                [ReLU] public partial Layer R1 { get; }

                // The classifier.
                [Linear(10)] public partial Layer Fc { get; }
            }
            """;
        const string after = """
            using ModelDsl;
            [Model(InputShape = [1, 28, 28])]
            public partial class Net
            {
                [Conv2d(8, Kernel = 3, Padding = 1)] public partial Layer C1 { get; }
                [ReLU] public partial Layer R1 { get; }

                // The classifier.
                [Flatten] public partial Layer Flatten { get; }
                [Linear(10)] public partial Layer Fc { get; }
            }
            """;
        var (text, title) = await CodeFixHarness.ApplyAsync(before, "MDSL1007", new InsertFlattenCodeFix());
        Assert.Equal(after, text);
        Assert.Equal("Add [Flatten] before the Linear", title);

        // The Linear now reads all 8 · 28 · 28 = 6,272 features, and nothing is reported but the cost.
        Verify.Silent(text!);
        var run = AnalyzerHarness.Analyze(text!);
        Assert.Contains(run.AnalyzerDiagnostics, d => d.Id == "MDSL2005" && d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("62,810 parameters", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NamesTheMemberApartFromTheClassMembers()
    {
        // Flatten is taken by a member, flatten_2 has Flatten2's state-dict name: the next free one is Flatten3.
        const string before = """
            using ModelDsl;
            [Model(InputShape = [3, 8, 8])]
            public partial class Net
            {
              [Conv2d(4, Kernel = 3)] public partial Layer Flatten { get; }
              [ReLU] public partial Layer Flatten_2 { get; }
              [Linear(10)] public partial Layer Fc { get; }
            }
            """;
        var (text, _) = await CodeFixHarness.ApplyAsync(before, "MDSL1007", new InsertFlattenCodeFix());
        Assert.Equal(before.Replace("  [Linear(10)]", "  [Flatten] public partial Layer Flatten3 { get; }\n  [Linear(10)]", StringComparison.Ordinal), text);
        Verify.Silent(text!);
    }

    [Fact]
    public async Task PutsFlattenBeforeALinearInsideItsMember()
    {
        const string before = """
            using ModelDsl;
            [Model(InputShape = [3, 8, 8])]
            public partial class Net
            {
                [Conv2d(16, Kernel = 3, Padding = 1), ReLU] public partial Layer Features { get; }
                [AdaptiveAvgPool2d(1), Linear(10)] public partial Layer Head { get; }
            }
            """;
        var (text, _) = await CodeFixHarness.ApplyAsync(before, "MDSL1007", new InsertFlattenCodeFix());
        Assert.Equal(before.Replace("[AdaptiveAvgPool2d(1), Linear(10)]", "[AdaptiveAvgPool2d(1), Flatten, Linear(10)]", StringComparison.Ordinal), text);
        Verify.Silent(text!);
    }

    [Fact]
    public async Task PutsTheMemberBeforeALinearThatSharesItsLine()
    {
        // Members written on one line: the new member goes right before the Linear's, on the same line.
        const string before = """
            using ModelDsl;
            [Model(InputShape = [3, 8, 8])]
            public partial class Net
            {
                [Conv2d(4, Kernel = 3)] public partial Layer C { get; } [Linear(10)] public partial Layer Fc { get; }
            }
            """;
        var (text, _) = await CodeFixHarness.ApplyAsync(before, "MDSL1007", new InsertFlattenCodeFix());
        Assert.Equal(before.Replace("{ get; } [Linear(10)]", "{ get; } [Flatten] public partial Layer Flatten { get; } [Linear(10)]", StringComparison.Ordinal), text);
        Verify.Silent(text!);
    }

    [Fact]
    public async Task IsNotOfferedOnABlockUse()
    {
        // The Linear is the block's: a fix there would change every use of the block.
        const string source = """
            using ModelDsl;
            [Block("planes")]
            public partial class Head
            {
                [Conv2d("planes", Kernel = 1)] public partial Layer Reduce { get; }
                [Linear(10)] public partial Layer Fc { get; }
            }

            [Model(InputShape = [3, 6, 6])]
            public partial class Net
            {
                [Block(typeof(Head), "planes = 4")] public partial Layer Top { get; }
            }
            """;
        Assert.Empty(await CodeFixHarness.TitlesAsync(source, "MDSL1007", new InsertFlattenCodeFix()));
    }
}
