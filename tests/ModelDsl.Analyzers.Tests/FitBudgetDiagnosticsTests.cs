using System.Globalization;

namespace ModelDsl.Analyzers.Tests;

/// <summary>[Variant(…, FitBudget = true)]: a variant whose widths the budget solver fits to the model's own budget.</summary>
public class FitBudgetDiagnosticsTests
{
    // 784 → 128 → 10: 101,632 MACs (784·128 + 128·10).
    private static string Mlp(string budget, string variant) => $$"""
        using ModelDsl;
        [Model(InputShape = [784])]
        {{budget}}
        {{variant}}
        public partial class Mlp
        {
            [Linear(128), ReLU] public partial Layer Hidden { get; }
            [Linear(10)] public partial Layer Output { get; }
        }
        """;

    [Fact]
    public void AFittedVariantMeetsTheBudgetSoTheModelIsNotReported()
    {
        // 50,000 MACs: the hidden width h has 784h + 10h = 794h MACs, so h = 62 (49,228), and 63 would be 50,022;
        // then 784·62 + 62 + 62·10 + 10 = 49,300 parameters. No MDSL2002: the variant meets the budget.
        var source = Mlp("[FlopBudget(MaxMMacs = 0.05)]", "[{|MDSL2005:Variant(\"Fit\", FitBudget = true)|}]").Replace("partial class Mlp", "partial class {|MDSL2005:Mlp|}");
        var messages = Verify.Diagnostics(source, ignore: []).Select(d => d.GetMessage(CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(messages, m => m.StartsWith("Model 'MlpFit':", StringComparison.Ordinal) && m.Contains("0.049 MMACs, 49,300 parameters", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutABudgetThereIsNothingToFit()
    {
        var diagnostic = Verify.Diagnostics(Mlp(string.Empty, "[Variant(\"Fit\", {|MDSL3010:FitBudget = true|})]")).Single();
        Assert.Equal("Variant 'Fit' has FitBudget, but the model declares no [FlopBudget] or [ParameterBudget] to fit; no class is generated for it", diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void AModelWithinItsBudgetHasNothingToFit() =>
        Verify.Diagnostics(Mlp("[FlopBudget(MaxMMacs = 1)]", "[Variant(\"Fit\", {|MDSL3010:FitBudget = true|})]"));

    [Fact]
    public void ABudgetThePrunablePartCannotReachHasNothingToFit() =>
        Verify.Diagnostics(Mlp("[FlopBudget({|MDSL2002:MaxMMacs = 0.00001|})]", "[Variant(\"Fit\", {|MDSL3010:FitBudget = true|})]"));

    [Fact]
    public void FitBudgetWithAnotherCompressionIsNotGeneratedYet() =>
        Verify.Diagnostics(Mlp("[FlopBudget({|MDSL2002:MaxMMacs = 0.05|})]", "[Variant(\"Fit\", {|MDSL3009:FitBudget = true|}, Weights = Precision.Int8)]"));
}
