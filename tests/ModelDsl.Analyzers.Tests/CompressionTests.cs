namespace ModelDsl.Analyzers.Tests;

/// <summary>MDSL3xxx: invalid or useless compression, on the variant argument at fault.</summary>
public class CompressionTests
{
    private static string Net(string variant, int hidden = 32) => $$"""
        using ModelDsl;
        [Model(InputShape = [784])]
        {{variant}}
        public partial class Net
        {
            [Linear({{hidden}}), ReLU] public partial Layer Hidden { get; }
            [Linear(10)] public partial Layer Output { get; }
        }
        """;

    [Theory]
    [InlineData("public class NetSlim { }")]
    [InlineData("public partial class NetSlim { }")]
    [InlineData("public struct NetSlim { }")]
    public void VariantClassNameTaken_FiresOnTheNameWhenTheUsersCodeHasIt(string declaration)
    {
        var diagnostics = Verify.Diagnostics(Net("[Variant({|MDSL0005:\"Slim\"|}, KeepChannels = 0.5)]"), [declaration]);
        Assert.Contains("the variant's class 'NetSlim' is already declared at Input1.cs(1); rename the variant or that type", diagnostics.Single().GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void VariantClassNameTaken_SilentBesideATypeOfAnotherName() =>
        Verify.Silent(Net("[Variant(\"Slim\", KeepChannels = 0.5)]"), "public class NetSlimmer { }");

    [Theory]
    [InlineData("4:4")]
    [InlineData("3:2")]
    [InlineData("0:4")]
    [InlineData("2-4")]
    public void InvalidSparsity_Fires(string pattern) =>
        Verify.Diagnostics(Net("[Variant(\"Sparse\", {|MDSL3001:Sparsity = \"" + pattern + "\"|})]"));

    [Fact]
    public void InvalidSparsity_SilentOnTwoFour() => Verify.Silent(Net("[Variant(\"Sparse\", Sparsity = \"2:4\")]"));

    [Fact]
    public void SparsityNotDividing_FiresWhenMDoesNotDivideInFeatures() =>
        Verify.Diagnostics(Net("[Variant(\"Sparse\", {|MDSL3002:Sparsity = \"2:4\"|})]", hidden: 30));

    [Fact]
    public void SparsityNotDividing_SilentWhenItDivides() => Verify.Silent(Net("[Variant(\"Sparse\", Sparsity = \"1:2\")]", hidden: 30));

    [Theory]
    [InlineData("1.5")]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("-0.2")]
    public void PruneOutOfRange_Fires(string prune) =>
        Verify.Diagnostics(Net("[Variant(\"Sparse\", {|MDSL3011:Prune = " + prune + "|})]"));

    [Theory]
    [InlineData("[Variant(\"Sparse\", Prune = 0.9)]")]
    [InlineData("[Variant(\"Sparse\", Prune = 0.9, GlobalRanking = true)]")]
    [InlineData("[Variant(\"Sparse\", Prune = 0.9, GlobalRanking = true, MinKeep = 0.05)]")]
    [InlineData("[Variant(\"Sparse\", Sparsity = \"1:4\")]")]
    public void SparseVariants_AreGeneratedSilently(string variant) => Verify.Silent(Net(variant));

    [Theory]
    [InlineData("1")]
    [InlineData("-0.1")]
    public void MinKeepOutOfRange_Fires(string minKeep) =>
        Verify.Diagnostics(Net("[Variant(\"Sparse\", Prune = 0.5, GlobalRanking = true, {|MDSL3012:MinKeep = " + minKeep + "|})]"));

    [Fact]
    public void PruneOptionIgnored_FiresOnGlobalRankingWithoutPrune() =>
        Verify.Diagnostics(Net("[Variant(\"Slim\", KeepChannels = 0.5, {|MDSL3013:GlobalRanking = true|})]"));

    [Fact]
    public void PruneOptionIgnored_FiresOnMinKeepOfALayerWiseRanking() =>
        Verify.Diagnostics(Net("[Variant(\"Sparse\", Prune = 0.5, {|MDSL3013:MinKeep = 0.1|})]"));

    [Fact]
    public void MinKeepBlocksPrune_FiresWhenTheMinimumLeavesTooFewWeights()
    {
        // 784·32 + 32·10 = 25,408 weights; Prune 0.9 must remove round(22,867.2) = 22,867, keeping half allows 12,704.
        var diagnostic = Verify.Diagnostics(Net("[Variant(\"Sparse\", Prune = 0.9, GlobalRanking = true, {|MDSL3014:MinKeep = 0.5|})]"));
        Assert.Equal("Variant 'Sparse' must prune 22,867 weights (Prune = 0.9), but keeping MinKeep = 0.5 of every layer allows at most 12,704", diagnostic.Single().GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void MinKeepBlocksPrune_SilentWhenTheMinimumLeavesEnough() =>
        Verify.Silent(Net("[Variant(\"Sparse\", Prune = 0.9, GlobalRanking = true, MinKeep = 0.1)]"));

    [Theory]
    [InlineData("{|MDSL3009:Sparsity = \"2:4\"|}, Weights = Precision.Int8")]
    [InlineData("KeepChannels = 0.5, {|MDSL3009:Prune = 0.5|}")]
    [InlineData("{|MDSL3009:Sparsity = \"2:4\"|}, Prune = 0.5")]
    public void SparseCombinedWithAnotherCompression_IsNotGenerated(string arguments) =>
        Verify.Diagnostics(Net("[Variant(\"Both\", " + arguments + ")]"));

    [Theory]
    [InlineData("1.5")]
    [InlineData("0")]
    [InlineData("-0.5")]
    public void KeepRatioOutOfRange_Fires(string keep) =>
        Verify.Diagnostics(Net("[Variant(\"Slim\", {|MDSL3003:KeepChannels = " + keep + "|})]"));

    [Fact]
    public void KeepRatioOutOfRange_SilentInside() => Verify.Silent(Net("[Variant(\"Slim\", KeepChannels = 0.5)]"));

    [Fact]
    public void UnsupportedPrecision_Fires() => Verify.Diagnostics(Net("[Variant(\"Odd\", {|MDSL3004:Weights = (Precision)7|})]"));

    [Fact]
    public void UnsupportedPrecision_SilentOnInt8() => Verify.Silent(Net("[Variant(\"Int8\", Weights = Precision.Int8)]"));

    [Fact]
    public void RankTooLarge_FiresWhenFactoringCostsMore() =>
        Verify.Diagnostics(Net("[Variant(\"Low\", {|MDSL3005:Rank = 400|})]", hidden: 512));

    [Fact]
    public void RankTooLarge_SilentAtASmallRank() => Verify.Silent(Net("[Variant(\"Low\", Rank = 32)]", hidden: 512));

    [Theory]
    [InlineData("[Variant(\"Same\")]")]
    [InlineData("[Variant(\"Same\", KeepChannels = 1)]")]
    [InlineData("[Variant(\"Same\", Weights = Precision.Float32)]")]
    public void VariantChangesNothing_FiresOnTheVariant(string variant) =>
        Verify.Diagnostics(Net("[{|MDSL3006:" + variant.Substring(1, variant.Length - 2) + "|}]"));

    [Fact]
    public void PruningEmptiesLayer_Fires() => Verify.Diagnostics(Net("[Variant(\"Tiny\", {|MDSL3007:KeepChannels = 0.01|})]"));

    [Fact]
    public void PruningEmptiesLayer_SilentWhenEveryLayerKeepsAChannel() => Verify.Silent(Net("[Variant(\"Tiny\", KeepChannels = 0.05)]"));

    [Fact]
    public void VariantNotBuildableFromDense_FiresWhereAttentionWouldReadPrunedChannels()
    {
        var diagnostic = Verify.Diagnostics("""
            using ModelDsl;
            [Model(InputShape = [4, 16])]
            [Variant("Half", {|MDSL3008:KeepChannels = 0.5|})]
            public partial class Seq
            {
                [Linear(16)] public partial Layer Up { get; }
                [MultiheadAttention(2)] public partial Layer Attn { get; }
                [Linear(4)] public partial Layer Out { get; }
            }
            """).Single();
        Assert.Contains("'attn'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void VariantNotBuildableFromDense_SilentWhenAttentionSeesWholeChannels() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [4, 16])]
        [Variant("Half", KeepChannels = 0.5)]
        public partial class Seq
        {
            [MultiheadAttention(2)] public partial Layer Attn { get; }
            [Linear(32), GELU, Linear(16)] public partial Layer Mlp { get; }
        }
        """);

    private static string Transformer(string variant, int heads = 4) => $$"""
        using ModelDsl;
        [Model(InputShape = [4, 16])]
        {{variant}}
        public partial class Seq
        {
            [MultiheadAttention({{heads}})] public partial Layer Attn { get; }
            [Linear(64), GELU, Linear(16)] public partial Layer Mlp { get; }
        }
        """;

    [Theory]
    [InlineData("KeepHeads = 1.5")]
    [InlineData("KeepHeads = 0")]
    [InlineData("KeepHidden = -0.5")]
    [InlineData("KeepHidden = 2")]
    public void KeepFractionOutOfRange_Fires(string argument) =>
        Verify.Diagnostics(Transformer("[Variant(\"Half\", {|MDSL3015:" + argument + "|})]"));

    [Fact]
    public void KeepFractionOutOfRange_NamesTheArgument()
    {
        var diagnostic = Verify.Diagnostics(Transformer("[Variant(\"Half\", KeepHeads = 0.5, {|MDSL3015:KeepHidden = 1.25|})]")).Single();
        Assert.Equal("KeepHidden = 1.25 of variant 'Half' is outside (0, 1]", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("KeepHeads = 0.5, KeepHidden = 0.5")]
    [InlineData("KeepHeads = 0.5")]
    [InlineData("KeepHidden = 0.25")]
    [InlineData("KeepHeads = 1, KeepHidden = 0.5")]
    [InlineData("KeepHeads = 0.5, Weights = Precision.Int8")]
    public void HeadAndMlpPruning_SilentOnATransformer(string arguments) => Verify.Silent(Transformer("[Variant(\"Half\", " + arguments + ")]"));

    [Fact]
    public void NothingToPrune_FiresOnKeepHeadsWithoutAttention()
    {
        var diagnostic = Verify.Diagnostics(Net("[Variant(\"Half\", {|MDSL3016:KeepHeads = 0.5|})]")).Single();
        Assert.Contains("no multi-head attention", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void NothingToPrune_FiresOnKeepHiddenWithoutAnMlp() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [4, 16])]
        [Variant("Half", KeepHeads = 0.5, {|MDSL3016:KeepHidden = 0.5|})]
        public partial class Seq
        {
            [MultiheadAttention(4)] public partial Layer Attn { get; }
            [Linear(10)] public partial Layer Out { get; }
        }
        """);

    [Fact]
    public void NothingToPrune_FiresWhenEveryAttentionKeepsAllItsHeads()
    {
        // round(1 × 0.6) = 1: the one head stays, the variant would be the dense model.
        var diagnostic = Verify.Diagnostics(Transformer("[Variant(\"Half\", {|MDSL3016:KeepHeads = 0.6|})]", heads: 1)).Single();
        Assert.Contains("keeps all its heads", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void VariantNotGenerated_FiresOnKeepHeadsWithSparsity() =>
        Verify.Diagnostics(Transformer("[Variant(\"Half\", {|MDSL3009:KeepHeads = 0.5|}, Sparsity = \"2:4\")]"));
}
