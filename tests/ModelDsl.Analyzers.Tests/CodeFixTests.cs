using ModelDsl.CodeFixes;

namespace ModelDsl.Analyzers.Tests;

/// <summary>Before/after for every code fix; the fixed code must build without the diagnostic it fixed.</summary>
public class CodeFixTests
{
    [Fact]
    public async Task MakePartial_AddsPartialAfterTheOtherModifiers()
    {
        const string before = """
            using ModelDsl;
            [Model(InputShape = [4])]
            public sealed class Net
            {
                [Linear(2)] public partial Layer Fc { get; }
            }
            """;
        const string after = """
            using ModelDsl;
            [Model(InputShape = [4])]
            public sealed partial class Net
            {
                [Linear(2)] public partial Layer Fc { get; }
            }
            """;
        var (text, _) = await CodeFixHarness.ApplyAsync(before, "MDSL0001", new MakePartialCodeFix());
        Assert.Equal(after, text);
        Assert.DoesNotContain(AnalyzerHarness.Analyze(text!).AnalyzerDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    [Fact]
    public async Task MakePartial_WorksWithoutModifiers()
    {
        const string before = """
            using ModelDsl;
            [Model(InputShape = [4])]
            class Net
            {
                [Linear(2)] public partial Layer Fc { get; }
            }
            """;
        var (text, _) = await CodeFixHarness.ApplyAsync(before, "MDSL0001", new MakePartialCodeFix());
        Assert.Equal(before.Replace("\nclass Net", "\npartial class Net"), text);
    }

    private const string OverBudget = """
        using ModelDsl;

        [Model(InputShape = [784])]
        [FlopBudget(MaxMFlops = 0.1)]
        public partial class Mlp
        {
            [Linear(128), ReLU] public partial Layer Hidden { get; }
            [Linear(10)] public partial Layer Output { get; }
        }
        """;

    [Fact]
    public async Task FitBudget_AddsAVariantFromTheSolver()
    {
        var (text, title) = await CodeFixHarness.ApplyAsync(OverBudget, "MDSL2001", new FitBudgetCodeFix());
        var match = System.Text.RegularExpressions.Regex.Match(text!, @"\[Variant\(""Slim"", KeepChannels = (0\.\d+)\)\]\n");
        Assert.True(match.Success, text);
        Assert.Equal(OverBudget.Replace("[FlopBudget(MaxMFlops = 0.1)]\n", "[FlopBudget(MaxMFlops = 0.1)]\n" + match.Value), text);
        Assert.StartsWith("Add variant 'Slim' keeping ", title);
        Assert.DoesNotContain(AnalyzerHarness.Analyze(text!).AnalyzerDiagnostics, d => d.Id == "MDSL2001");

        // The solver's ratio is the largest that fits, to the thousandth: one step more is over the budget again.
        var keep = double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var larger = text!.Replace(match.Groups[1].Value, (keep + 0.001).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(AnalyzerHarness.Analyze(larger).AnalyzerDiagnostics, d => d.Id == "MDSL2001");
    }

    [Fact]
    public async Task FitBudget_ChangesAnExistingKeepRatio()
    {
        var before = OverBudget.Replace("[FlopBudget(MaxMFlops = 0.1)]\n", "[FlopBudget(MaxMFlops = 0.1)]\n[Variant(\"Half\", KeepChannels = 0.9)]\n");
        var (text, title) = await CodeFixHarness.ApplyAsync(before, "MDSL2001", new FitBudgetCodeFix());
        Assert.DoesNotContain("KeepChannels = 0.9)", text);
        Assert.Contains("[Variant(\"Half\", KeepChannels = 0.", text);
        Assert.StartsWith("Set KeepChannels = ", title);
        Assert.DoesNotContain(AnalyzerHarness.Analyze(text!).AnalyzerDiagnostics, d => d.Id == "MDSL2001");
    }

    [Theory]
    [InlineData("[FlopBudget(MaxMMacs = 0.03)]", "MDSL2002")]
    [InlineData("[ParameterBudget(MaxParams = 20000)]", "MDSL2003")]
    [InlineData("[ParameterBudget(MaxWeightBytes = 100000)]", "MDSL2004")]
    public async Task FitBudget_FixesEveryBudgetKind(string budget, string id)
    {
        var before = OverBudget.Replace("[FlopBudget(MaxMFlops = 0.1)]", budget);
        Assert.Contains(AnalyzerHarness.Analyze(before).AnalyzerDiagnostics, d => d.Id == id);
        var (text, _) = await CodeFixHarness.ApplyAsync(before, id, new FitBudgetCodeFix());
        Assert.Contains("[Variant(\"Slim\", KeepChannels = 0.", text);
        var after = AnalyzerHarness.Analyze(text!);
        Assert.DoesNotContain(after.AnalyzerDiagnostics, d => d.Id == id);
        Assert.Empty(after.CompilerDiagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
    }

    [Fact]
    public async Task FitBudget_OffersNothingWhenNoKeepRatioFits()
    {
        // The classifier alone (1,290 parameters at any width of the hidden layer's input side) is over the budget.
        var before = OverBudget.Replace("[FlopBudget(MaxMFlops = 0.1)]", "[ParameterBudget(MaxParams = 100)]");
        var (text, _) = await CodeFixHarness.ApplyAsync(before, "MDSL2003", new FitBudgetCodeFix());
        Assert.Null(text);
    }

    [Fact]
    public async Task FitBudget_ScalesABlockModel()
    {
        const string block = """
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
            [FlopBudget(MaxMFlops = 20)]
            public partial class SmallResNet
            {
                [Conv2d(16, Kernel = 3, Padding = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Stem { get; }
                [Stage(typeof(BasicBlock), "planes = 16", Blocks = 2)] public partial Layer Layer1 { get; }
                [Stage(typeof(BasicBlock), "planes = 32", "stride = 2", Blocks = 2)] public partial Layer Layer2 { get; }
                [AdaptiveAvgPool2d(1), Flatten, Linear(10)] public partial Layer Head { get; }
            }
            """;
        Assert.Contains(AnalyzerHarness.Analyze(block).AnalyzerDiagnostics, d => d.Id == "MDSL2001");
        var (text, _) = await CodeFixHarness.ApplyAsync(block, "MDSL2001", new FitBudgetCodeFix());
        Assert.Contains("[Variant(\"Slim\", KeepChannels = 0.", text);
        Assert.DoesNotContain(AnalyzerHarness.Analyze(text!).AnalyzerDiagnostics, d => d.Id == "MDSL2001" || d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }
}

/// <summary>MDSL2004's other remedy: fewer bits per weight instead of fewer channels.</summary>
public class CompressWeightsCodeFixTests
{
    // 784 → 128 → 10: 101,770 float32 parameters, 407,080 bytes.
    private const string Model = """
        using ModelDsl;

        [Model(InputShape = [784])]
        [ParameterBudget(MaxWeightBytes = LIMIT)]
        public partial class Mlp
        {
            [Linear(128), ReLU] public partial Layer Hidden { get; }
            [Linear(10)] public partial Layer Output { get; }
        }
        """;

    // The cost convention by hand (docs/cost-convention.md): int8 stores one byte per weight, one float32 scale per
    // output row and the float32 bias; int4 half a byte per weight (a row of 784 is 392 bytes), one float32 scale per
    // group of 128 along the row (7 for 784, 1 for 128) and the float32 bias.
    private const long Int8Bytes = (128 * 784 + 128 * 4 + 128 * 4) + (10 * 128 + 10 * 4 + 10 * 4);    // 102,736
    private const long Int4Bytes = (128 * 392 + 128 * 7 * 4 + 128 * 4) + (10 * 64 + 10 * 1 * 4 + 10 * 4); // 54,992

    private static string With(long limit) => Model.Replace("LIMIT", limit.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task OffersInt8ThenInt4_WithTheirExactBytes()
    {
        var source = With(200_000);
        var titles = await CodeFixHarness.TitlesAsync(source, "MDSL2004", new CompressWeightsCodeFix());
        Assert.Equal(
            [
                $"Add variant 'Int8' with int8 weights ({Int8Bytes:#,0} weight bytes, {Int8Bytes * 100.0 / 200_000:0}% of the budget)",
                $"Add variant 'Int4' with int4 weights ({Int4Bytes:#,0} weight bytes, {Int4Bytes * 100.0 / 200_000:0}% of the budget)",
            ],
            titles.Take(2));
    }

    [Fact]
    public async Task Offers2To4WhenItsCompressedBytesFit()
    {
        // 2:4 keeps the first Linear dense (401,408 + 512 bytes) and stores the classifier as K = 128 · 2/4 = 64 float32
        // values and 64 two-bit positions (16 bytes) per output, with its float32 bias: 2,560 + 160 + 40 = 2,760 bytes.
        const long sparseBytes = (128 * 784 * 4 + 128 * 4) + (10 * 64 * 4 + 10 * 16 + 10 * 4); // 404,680
        var titles = await CodeFixHarness.TitlesAsync(With(405_000), "MDSL2004", new CompressWeightsCodeFix());
        Assert.Equal($"Add variant 'Sparse24' with 2:4 sparse weights ({sparseBytes:#,0} weight bytes, 100% of the budget)", titles[2]);
        Assert.DoesNotContain(await CodeFixHarness.TitlesAsync(With(sparseBytes - 1), "MDSL2004", new CompressWeightsCodeFix()), t => t.Contains("2:4", StringComparison.Ordinal));

        var (text, _) = await CodeFixHarness.ApplyAsync(With(405_000), "MDSL2004", new CompressWeightsCodeFix(), 2);
        Assert.Contains("[Variant(\"Sparse24\", Sparsity = \"2:4\")]\n", text, StringComparison.Ordinal);
        var after = AnalyzerHarness.Analyze(text!);
        Assert.DoesNotContain(after.AnalyzerDiagnostics, d => d.Id == "MDSL2004" || d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    [Fact]
    public async Task TheInt8Fix_BuildsWithoutTheWarning()
    {
        var (text, _) = await CodeFixHarness.ApplyAsync(With(200_000), "MDSL2004", new CompressWeightsCodeFix());
        Assert.Equal(With(200_000).Replace("[ParameterBudget(MaxWeightBytes = 200000)]\n", "[ParameterBudget(MaxWeightBytes = 200000)]\n[Variant(\"Int8\", Weights = Precision.Int8)]\n"), text);
        var after = AnalyzerHarness.Analyze(text!);
        Assert.DoesNotContain(after.AnalyzerDiagnostics, d => d.Id == "MDSL2004");
        Assert.Empty(after.CompilerDiagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
    }

    [Fact]
    public async Task OffersOnlyWhatFits()
    {
        // Between the int4 and the int8 cost: int4 only; one byte under int4's cost: nothing from this fix.
        var titles = await CodeFixHarness.TitlesAsync(With(Int4Bytes + 1000), "MDSL2004", new CompressWeightsCodeFix());
        Assert.Single(titles, t => t.StartsWith("Add variant 'Int4'", StringComparison.Ordinal));
        Assert.DoesNotContain(titles, t => t.StartsWith("Add variant 'Int8'", StringComparison.Ordinal));

        var exact = await CodeFixHarness.TitlesAsync(With(Int4Bytes), "MDSL2004", new CompressWeightsCodeFix());
        Assert.Contains(exact, t => t.StartsWith("Add variant 'Int4'", StringComparison.Ordinal));
        Assert.DoesNotContain(await CodeFixHarness.TitlesAsync(With(Int4Bytes - 1), "MDSL2004", new CompressWeightsCodeFix()), t => t.Contains("int", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OffersNothingWhenAnotherLimitStaysOver()
    {
        // Quantising leaves the MACs as they are, so a FLOP limit the model is over rules every weight format out.
        var source = With(200_000).Replace("[ParameterBudget", "[FlopBudget(MaxMFlops = 0.1)]\n[ParameterBudget");
        Assert.Empty(await CodeFixHarness.TitlesAsync(source, "MDSL2004", new CompressWeightsCodeFix()));
    }

    [Fact]
    public async Task NamesTheVariantApartFromExistingOnes()
    {
        var source = With(200_000).Replace("public partial class", "[Variant(\"Int8\", KeepChannels = 0.99)]\npublic partial class");
        var titles = await CodeFixHarness.TitlesAsync(source, "MDSL2004", new CompressWeightsCodeFix());
        Assert.StartsWith("Add variant 'Int82' with int8 weights", titles[0], StringComparison.Ordinal);
    }
}
