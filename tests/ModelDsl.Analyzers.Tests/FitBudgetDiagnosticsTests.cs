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
    public void AFittedVariantMeetsTheBudgetAndTheWarningSaysAtWhatCost()
    {
        // 50,000 MACs: the hidden width h has 784h + 10h = 794h MACs, so h = 62 (49,228), and 63 would be 50,022;
        // then 784·62 + 62 + 62·10 + 10 = 49,300 parameters. The dense model (101,632 MACs) is 103.3 % over the budget:
        // MDSL2008, not MDSL2002, names the class that meets it (98.5 % of it).
        var source = Mlp("[FlopBudget({|MDSL2008:MaxMMacs = 0.05|})]", "[{|MDSL2005:Variant(\"Fit\", FitBudget = true)|}]").Replace("partial class Mlp", "partial class {|MDSL2005:Mlp|}");
        var messages = Verify.Diagnostics(source, ignore: []).Select(d => d.GetMessage(CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(messages, m => m.StartsWith("Model 'MlpFit':", StringComparison.Ordinal) && m.Contains("0.049 MMACs, 49,300 parameters", StringComparison.Ordinal));
        Assert.Contains("Model 'Mlp' needs 0.102 MMACs, over its budget of 0.05 MMACs by 103.3%; within the budget: MlpFit (0.049 MMACs, 98.5% of the budget; 49,228 MACs)", messages);
    }

    [Fact]
    public void AFittedVariantWithInt8WeightsHasTheFittedWidthsAndInt8Bytes()
    {
        // The widths of the float fit (h = 62, 49,228 MACs, 49,300 parameters), stored int8: hidden 784·62 int8 values +
        // 62 float32 scales + 62 float32 biases = 49,104 bytes; output 62·10 + 10·4 + 10·4 = 700; 49,804 in all.
        var source = Mlp("[FlopBudget({|MDSL2008:MaxMMacs = 0.05|})]", "[{|MDSL2005:Variant(\"FitInt8\", FitBudget = true, Weights = Precision.Int8)|}]").Replace("partial class Mlp", "partial class {|MDSL2005:Mlp|}");
        var messages = Verify.Diagnostics(source, ignore: []).Select(d => d.GetMessage(CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(messages, m => m.StartsWith("Model 'MlpFitInt8':", StringComparison.Ordinal) && m.Contains("0.049 MMACs, 49,300 parameters, 49,804 weight bytes", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.EndsWith("within the budget: MlpFitInt8 (0.049 MMACs, 98.5% of the budget; 49,228 MACs)", StringComparison.Ordinal));
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
    public void FitBudgetWithAnotherCompressionIsNotGeneratedYet()
    {
        var diagnostics = Verify.Diagnostics(Mlp("[FlopBudget({|MDSL2002:MaxMMacs = 0.05|})]", "[Variant(\"Fit\", {|MDSL3009:FitBudget = true|}, Rank = 4)]"));
        Assert.Contains(
            "Variant 'Fit' is checked, but no class is generated for it: FitBudget chooses the widths itself and combines only with Weights yet (declare the other compression as a variant of its own)",
            diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)));
    }
}
