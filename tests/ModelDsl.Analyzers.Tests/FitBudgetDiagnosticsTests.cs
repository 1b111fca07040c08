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
        // MDSL2009, not MDSL2002, names the class that meets it (98.5 % of it).
        var source = Mlp("[FlopBudget({|MDSL2009:MaxMMacs = 0.05|})]", "[{|MDSL2005:Variant(\"Fit\", FitBudget = true)|}]").Replace("partial class Mlp", "partial class {|MDSL2005:Mlp|}");
        var messages = Verify.Diagnostics(source, ignore: []).Select(d => d.GetMessage(CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(messages, m => m.StartsWith("Model 'MlpFit':", StringComparison.Ordinal) && m.Contains("0.049 MMACs, 49,300 parameters", StringComparison.Ordinal));
        Assert.Contains("Model 'Mlp' needs 0.102 MMACs, over its budget of 0.05 MMACs by 103.3%; within the budget: MlpFit (0.049 MMACs, 98.5% of the budget; 49,228 MACs)", messages);
    }

    [Fact]
    public void AFittedVariantWithInt8WeightsHasTheFittedWidthsAndInt8Bytes()
    {
        // The widths of the float fit (h = 62, 49,228 MACs, 49,300 parameters), stored int8: hidden 784·62 int8 values +
        // 62 float32 scales + 62 float32 biases = 49,104 bytes; output 62·10 + 10·4 + 10·4 = 700; 49,804 in all.
        var source = Mlp("[FlopBudget({|MDSL2009:MaxMMacs = 0.05|})]", "[{|MDSL2005:Variant(\"FitInt8\", FitBudget = true, Weights = Precision.Int8)|}]").Replace("partial class Mlp", "partial class {|MDSL2005:Mlp|}");
        var messages = Verify.Diagnostics(source, ignore: []).Select(d => d.GetMessage(CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(messages, m => m.StartsWith("Model 'MlpFitInt8':", StringComparison.Ordinal) && m.Contains("0.049 MMACs, 49,300 parameters, 49,804 weight bytes", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.EndsWith("within the budget: MlpFitInt8 (0.049 MMACs, 98.5% of the budget; 49,228 MACs)", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutABudgetThereIsNothingToFit()
    {
        var diagnostic = Verify.Diagnostics(Mlp(string.Empty, "[Variant(\"Fit\", {|MDSL3010:FitBudget = true|})]")).Single();
        Assert.Equal("Variant 'Fit' has FitBudget, but neither it nor the model declares a budget (MaxMFlops, … on the variant, or [FlopBudget] or [ParameterBudget] on the model) to fit; no class is generated for it", diagnostic.GetMessage(CultureInfo.InvariantCulture));
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

    [Fact]
    public void AVariantFitsItsOwnBudget()
    {
        // The same 50,000 MACs as above, declared on the variant: h = 62, 49,300 parameters. The model has no budget.
        var source = Mlp(string.Empty, "[{|MDSL2005:Variant(\"Tiny\", FitBudget = true, MaxMMacs = 0.05)|}]").Replace("partial class Mlp", "partial class {|MDSL2005:Mlp|}");
        var messages = Verify.Diagnostics(source, ignore: []).Select(d => d.GetMessage(CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(messages, m => m.StartsWith("Model 'MlpTiny':", StringComparison.Ordinal) && m.Contains("0.049 MMACs, 49,300 parameters", StringComparison.Ordinal));
    }

    [Fact]
    public void TwoVariantsFitTwoBudgetsAndTheirOwnWinsOverTheModels()
    {
        // Model budget 50,000 MACs (h = 62); the second variant's own 25,000 MACs: 794h ≤ 25,000 gives h = 31 (24,614),
        // 784·31 + 31 + 31·10 + 10 = 24,655 parameters.
        var source = Mlp("[FlopBudget({|MDSL2009:MaxMMacs = 0.05|})]", "[{|MDSL2005:Variant(\"Fit\", FitBudget = true)|}]\n[{|MDSL2005:Variant(\"Quarter\", FitBudget = true, MaxMMacs = 0.025)|}]")
            .Replace("partial class Mlp", "partial class {|MDSL2005:Mlp|}");
        var messages = Verify.Diagnostics(source, ignore: []).Select(d => d.GetMessage(CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(messages, m => m.StartsWith("Model 'MlpFit':", StringComparison.Ordinal) && m.Contains("49,300 parameters", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Model 'MlpQuarter':", StringComparison.Ordinal) && m.Contains("24,655 parameters", StringComparison.Ordinal));
    }

    [Fact]
    public void AnOwnBudgetTheDenseModelMeetsHasNothingToFit()
    {
        var diagnostic = Verify.Diagnostics(Mlp(string.Empty, "[Variant(\"Fit\", {|MDSL3010:FitBudget = true|}, MaxMMacs = 1)]")).Single();
        Assert.Contains("the dense model already meets the variant's budget", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}

/// <summary>A variant's own limits (MaxMFlops, MaxMMacs, MaxParams, MaxWeightBytes on [Variant]): MDSL2009 on the limit it exceeds.</summary>
public class VariantBudgetTests
{
    private static string Mlp(string variant) => $$"""
        using ModelDsl;
        [Model(InputShape = [784])]
        {{variant}}
        public partial class Mlp
        {
            [Linear(128), ReLU] public partial Layer Hidden { get; }
            [Linear(10)] public partial Layer Output { get; }
        }
        """;

    [Fact]
    public void APrunedVariantOverItsMacBudget()
    {
        // Half the hidden width, h = 64: 784·64 + 64·10 = 50,816 MACs, 408.2% over 0.01 MMACs (10,000).
        var diagnostic = Verify.Diagnostics(Mlp("[Variant(\"Slim\", KeepChannels = 0.5, {|MDSL2008:MaxMMacs = 0.01|})]")).Single();
        Assert.Equal("Variant 'Slim' (MlpSlim) needs 50,816 MACs, over its MaxMMacs = 0.01 (10,000 MACs) by 408.2%", diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void AnInt8VariantOverItsWeightByteBudget()
    {
        // int8 by hand: one byte per weight, a float32 scale per output row and the float32 bias:
        // (128·784 + 128·4 + 128·4) + (10·128 + 10·4 + 10·4) = 102,736 bytes, 2.7% over 100,000.
        var diagnostic = Verify.Diagnostics(Mlp("[Variant(\"Int8\", Weights = Precision.Int8, {|MDSL2008:MaxWeightBytes = 100000|})]")).Single();
        Assert.Equal("Variant 'Int8' (MlpInt8) stores 102,736 weight bytes, over its MaxWeightBytes = 100000 by 2.7%", diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void EveryLimitItExceedsOnItsOwnArgument() =>
        Verify.Diagnostics(Mlp("[Variant(\"Slim\", KeepChannels = 0.5, {|MDSL2008:MaxMFlops = 0.05|}, {|MDSL2008:MaxParams = 1000|}, MaxWeightBytes = 1000000)]"));

    [Fact]
    public void AVariantWithinItsBudgetIsSilent() =>
        Verify.Diagnostics(Mlp("[Variant(\"Int8\", Weights = Precision.Int8, MaxWeightBytes = 102736)]"));

    [Fact]
    public void ALimitThatIsNotPositiveIsMalformed() =>
        Verify.Diagnostics(Mlp("[Variant(\"Slim\", KeepChannels = 0.5, {|MDSL0005:MaxMMacs = 0|}, {|MDSL0005:MaxParams = -3|})]"));
}

/// <summary>Per-layer keep ratios (KeepLayers) and rounded widths (RoundTo): MDSL3019 and MDSL3020 on the argument.</summary>
public class LayerWidthsDiagnosticsTests
{
    private static string Net(string variant) => $$"""
        using ModelDsl;
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
        {{variant}}
        public partial class SmallResNet
        {
            [Conv2d(16, Kernel = 3, Padding = 1, Bias = false), BatchNorm2d, ReLU] public partial Layer Stem { get; }
            [Stage(typeof(BasicBlock), "planes = 16", Blocks = 2)] public partial Layer Layer1 { get; }
            [Stage(typeof(BasicBlock), "planes = 32", "stride = 2", Blocks = 2)] public partial Layer Layer2 { get; }
            [AdaptiveAvgPool2d(1), Flatten, Linear(10)] public partial Layer Head { get; }
        }
        """;

    [Fact]
    public void ValidRatiosAndRoundingAreSilent() =>
        Verify.Diagnostics(Net("[Variant(\"Tail\", KeepLayers = \"layer2 = 0.5\", RoundTo = 8)]"));

    [Fact]
    public void AMalformedListIsReportedOnIt()
    {
        var diagnostic = Verify.Diagnostics(Net("[Variant(\"Tail\", {|MDSL3019:KeepLayers = \"layer2: 0.5\"|})]")).Single();
        Assert.Equal("KeepLayers of variant 'Tail': write it as \"layer = ratio, …\", e.g. \"layer3 = 0.5, layer4 = 0.25\"; 'layer2: 0.5' is not", diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void AnUnknownLayerListsThePrunableOnes()
    {
        var diagnostic = Verify.Diagnostics(Net("[Variant(\"Tail\", {|MDSL3019:KeepLayers = \"layer3 = 0.5\"|})]")).Single();
        Assert.Equal("KeepLayers of variant 'Tail': 'layer3' is not a prunable layer of the model; the prunable ones are stem.0, layer1, layer2", diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void NarrowingALayerAnIdentityAddTiesChangesTheNetwork()
    {
        // layer1's blocks add their 16-channel input to their output: 8 channels would need a projection.
        var diagnostic = Verify.Diagnostics(Net("[Variant(\"Bad\", {|MDSL3020:KeepLayers = \"layer1 = 0.5\"|})]")).Single();
        Assert.Equal(
            "The widths of variant 'Bad' (stem.0 16 of 16, layer1 8 of 16, layer2 32 of 32) do not prune the dense network: a residual would need a projection the dense model has not: layers an identity add ties must keep equal widths; no class is generated for it",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void TiedLayersNarrowedTogetherAreFine() =>
        Verify.Diagnostics(Net("[Variant(\"Both\", KeepLayers = \"stem.0 = 0.5, layer1 = 0.5\")]"));

    [Fact]
    public void ANegativeMultipleIsMalformed() =>
        Verify.Diagnostics(Net("[Variant(\"R\", KeepChannels = 0.5, {|MDSL0005:RoundTo = -8|})]"));
}
