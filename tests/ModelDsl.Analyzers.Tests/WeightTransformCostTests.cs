using System.Globalization;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// The analyzers cost int8, int4 and rank variants with the rewrite the generated classes come from (VariantRewrite):
/// the cost on the [Variant] and the budgets a variant meets are the generated constants.
/// </summary>
public class WeightTransformCostTests
{
    // 784 → 128 → 10 with biases: 101,770 parameters, 407,080 float32 bytes.
    private static string Mlp(string budget, string variants) => $$"""
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

    private static List<string> Messages(string variant)
    {
        var source = Mlp(string.Empty, "[{|MDSL2005:" + variant + "|}]").Replace("partial class Mlp", "partial class {|MDSL2005:Mlp|}");
        return Verify.Diagnostics(source, ignore: Array.Empty<string>()).Select(d => d.GetMessage(CultureInfo.InvariantCulture)).ToList();
    }

    [Fact]
    public void ModelCost_OfAnInt8VariantCountsInt8WeightsWithTheirScales()
    {
        // By hand: 128 × 784 int8 + 128 scales + 128 biases (× 4 bytes), then 10 × 128 + 10 × 4 + 10 × 4.
        var messages = Messages("Variant(\"Int8\", Weights = Precision.Int8)");
        Assert.Contains(messages, m => m.StartsWith("Model 'MlpInt8':", StringComparison.Ordinal) && m.Contains("101,770 parameters, 102,736 weight bytes"));
    }

    [Fact]
    public void ModelCost_OfAnInt4VariantCountsPackedNibblesAndGroupScales()
    {
        // By hand: 128 × 392 bytes + 128 × ⌈784/128⌉ = 7 scales × 4 + 128 × 4 bias; 10 × 64 + 10 × 1 × 4 + 10 × 4.
        var messages = Messages("Variant(\"Int4\", Weights = Precision.Int4)");
        Assert.Contains(messages, m => m.StartsWith("Model 'MlpInt4':", StringComparison.Ordinal) && m.Contains((50_176 + 3_584 + 512 + 640 + 40 + 40).ToString("N0", CultureInfo.InvariantCulture) + " weight bytes"));
    }

    [Fact]
    public void ModelCost_OfARankVariantFactorsOnlyTheLinearsWhereItPays()
    {
        // By hand at rank 16: hidden becomes 784 → 16 (12,544, no bias) and 16 → 128 (2,048 + 128); the output's smaller
        // side (10) is not above 16, so it stays dense (1,290).
        var messages = Messages("Variant(\"Lr\", Rank = 16)");
        Assert.Contains(messages, m => m.StartsWith("Model 'MlpLr':", StringComparison.Ordinal) && m.Contains("16,010 parameters"));
    }

    [Theory]
    [InlineData("KeepChannels = 0.5, ")]
    [InlineData("Weights = Precision.Int8, ")]
    public void VariantNotGenerated_FiresOnARankCombinedWithAnotherCompression(string other) =>
        Verify.Diagnostics(Mlp(string.Empty, "[Variant(\"LrQ\", " + other + "{|MDSL3009:Rank = 16|})]"));

    [Fact]
    public void VariantNotGenerated_SilentOnARankAlone() => Verify.Silent(Mlp(string.Empty, "[Variant(\"Lr\", Rank = 16)]"));

    [Fact]
    public void OverWeightBudget_NamesTheInt8VariantThatMeetsIt() =>
        Verify.Diagnostics(Mlp("[ParameterBudget({|MDSL2009:MaxWeightBytes = 200_000|})]", "[Variant(\"Int8\", Weights = Precision.Int8)]"));

    [Fact]
    public void OverWeightBudget_FiresWhenNoVariantMeetsIt() =>
        Verify.Diagnostics(Mlp("[ParameterBudget({|MDSL2004:MaxWeightBytes = 100_000|})]", "[Variant(\"Int8\", Weights = Precision.Int8)]"));
}
