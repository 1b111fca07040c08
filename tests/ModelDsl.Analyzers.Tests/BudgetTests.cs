using System.Globalization;

namespace ModelDsl.Analyzers.Tests;

/// <summary>MDSL2xxx: budgets on the argument that sets them, with total, limit, overshoot and top layers.</summary>
public class BudgetTests
{
    // 784 → 128 → 10: 101,632 MACs, 203,264 + 138 + ... FLOPs, 101,770 parameters.
    private static string Mlp(string budget, string variants = "") => $$"""
        using ModelDsl;
        [Model(InputShape = [784])]
        {{budget}}
        {{variants}}
        public partial class Mlp
        {
            [Linear(128), ReLU] public partial Layer Hidden { get; }
            [Linear(10)] public partial Layer Output { get; }
        }
        """;

    [Fact]
    public void OverFlopBudget_FiresWithTotalOvershootAndTopLayers()
    {
        var diagnostic = Verify.Diagnostics(Mlp("[FlopBudget({|MDSL2001:MaxMFlops = 0.1|})]")).Single();
        var message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        Assert.Contains("budget of 0.1 MFLOPs", message);
        Assert.Contains("hidden.0 (", message);
        Assert.Contains("%", message);
        Assert.Equal(3, message.Split(" MFLOPs)").Length - 1);
    }

    [Fact]
    public void OverFlopBudget_SilentUnderBudget() => Verify.Silent(Mlp("[FlopBudget(MaxMFlops = 1)]"));

    [Fact]
    public void OverFlopBudget_MetByAVariant_WarnsWithTheVariantAndItsCost()
    {
        // A hidden width h costs 794h MACs (784h + 10h) and 1,590h + 10 FLOPs (2 · 794h, h bias adds, h ReLUs, 10 bias
        // adds). Dense, h = 128: 203,530 FLOPs, 103.5 % over 0.1 MFLOPs. Slim keeps round(128 · 0.4) = 51: 81,100 FLOPs
        // (81.1 % of the budget), 40,494 MACs. Wide keeps round(128 · 0.9) = 115: 182,860 FLOPs, over, so not listed.
        var diagnostic = Verify.Diagnostics(Mlp("[FlopBudget({|MDSL2009:MaxMFlops = 0.1|})]", "[Variant(\"Slim\", KeepChannels = 0.4)]\n[Variant(\"Wide\", KeepChannels = 0.9)]")).Single();
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(
            "Model 'Mlp' needs 0.204 MFLOPs, over its budget of 0.1 MFLOPs by 103.5%; within the budget: MlpSlim (0.081 MFLOPs, 81.1% of the budget; 40,494 MACs)",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void OverFlopBudget_AVariantAlsoOverItIsNoExcuse() =>
        Verify.Diagnostics(Mlp("[FlopBudget({|MDSL2001:MaxMFlops = 0.1|})]", "[Variant(\"Wide\", KeepChannels = 0.9)]"));

    [Fact]
    public void OverWeightBudget_MetByAnInt8Variant_WarnsWithItsStoredBytes()
    {
        // Dense: 101,770 float32 parameters = 407,080 bytes, 103.5 % over 200,000. Int8: hidden 784 · 128 int8 values +
        // 128 float32 scales + 128 float32 biases = 101,376 bytes; output 128 · 10 + 10 · 4 + 10 · 4 = 1,360; 102,736 in all.
        var diagnostic = Verify.Diagnostics(Mlp("[ParameterBudget({|MDSL2009:MaxWeightBytes = 200000|})]", "[Variant(\"Int8\", Weights = Precision.Int8)]")).Single();
        Assert.Equal(
            "Model 'Mlp' needs 407,080 bytes, over its budget of 200,000 bytes by 103.5%; within the budget: MlpInt8 (102,736 bytes, 51.4% of the budget; 101,632 MACs)",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void OverMacBudget_Fires() => Verify.Diagnostics(Mlp("[FlopBudget({|MDSL2002:MaxMMacs = 0.05|})]"));

    [Fact]
    public void OverMacBudget_SilentUnderBudget() => Verify.Silent(Mlp("[FlopBudget(MaxMMacs = 0.2)]"));

    [Fact]
    public void OverParameterBudget_Fires() => Verify.Diagnostics(Mlp("[ParameterBudget({|MDSL2003:MaxParams = 1000|})]"));

    [Fact]
    public void OverParameterBudget_SilentUnderBudget() => Verify.Silent(Mlp("[ParameterBudget(MaxParams = 200000)]"));

    [Fact]
    public void OverWeightBudget_Fires() => Verify.Diagnostics(Mlp("[ParameterBudget({|MDSL2004:MaxWeightBytes = 1000|})]"));

    [Fact]
    public void OverWeightBudget_SilentUnderBudget() => Verify.Silent(Mlp("[ParameterBudget(MaxWeightBytes = 1000000)]"));

    [Fact]
    public void TwoBudgets_EachOnItsArgument() =>
        Verify.Diagnostics(Mlp("[FlopBudget({|MDSL2001:MaxMFlops = 0.1|}, {|MDSL2002:MaxMMacs = 0.01|})]"));

    [Fact]
    public void ModelCost_IsReportedOnTheClassName()
    {
        var source = Mlp(string.Empty).Replace("partial class Mlp", "partial class {|MDSL2005:Mlp|}");
        var diagnostic = Verify.Diagnostics(source, ignore: Array.Empty<string>()).Single();
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Info, diagnostic.Severity);
        Assert.Contains("101,770 parameters", diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ModelCost_IsReportedForAPrunedVariantOnItsAttribute()
    {
        var source = Mlp(string.Empty, "[{|MDSL2005:Variant(\"Half\", KeepChannels = 0.5)|}]").Replace("partial class Mlp", "partial class {|MDSL2005:Mlp|}");
        var messages = Verify.Diagnostics(source, ignore: Array.Empty<string>()).Select(d => d.GetMessage(CultureInfo.InvariantCulture)).ToList();

        // Half of the hidden layer: 784 × 64 + 64 + 64 × 10 + 10 parameters.
        Assert.Contains(messages, m => m.StartsWith("Model 'MlpHalf':", StringComparison.Ordinal) && m.Contains("50,890 parameters"));
    }

    [Fact]
    public void ModelCost_SilentOnAMalformedModel() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [16])]
        public partial class Net
        {
            [{|MDSL1004:Linear(0)|}] public partial Layer Fc { get; }
        }
        """, ignore: Array.Empty<string>());
}
