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
    public void OverFlopBudget_SilentWhenAVariantMeetsIt() => Verify.Silent(Mlp("[FlopBudget(MaxMFlops = 0.1)]", "[Variant(\"Slim\", KeepChannels = 0.4)]"));

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
    public void ModelCost_SilentOnAMalformedModel() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [16])]
        public partial class Net
        {
            [{|MDSL1004:Linear(0)|}] public partial Layer Fc { get; }
        }
        """, ignore: Array.Empty<string>());
}
