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
}
