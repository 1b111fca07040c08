using System.Globalization;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// The names a declaration gives a composite layer's parts (<c>QkvName</c>, <c>ProjName</c> …): each one state-dict
/// segment (MDSL0010 empty, MDSL0011 not one segment), no two the same (MDSL0012), none a name the layer registers
/// otherwise (MDSL0013), each on the named argument that is wrong.
/// </summary>
public class PartNameDiagnosticsTests
{
    private static string Tokens(string layer) => """
        using ModelDsl;

        [Model(InputShape = [10, 32])]
        public partial class Net
        {
            [LAYER] public partial Layer Attn { get; }
        }
        """.Replace("LAYER", layer, StringComparison.Ordinal);

    private static string Image(string layer) => """
        using ModelDsl;

        [Model(InputShape = [8, 8, 16])]
        public partial class Net
        {
            [LAYER] public partial Layer Attn { get; }
        }
        """.Replace("LAYER", layer, StringComparison.Ordinal);

    [Fact]
    public void AnEmptyNameIsReportedWithTheDefaultItWouldReplace()
    {
        var diagnostic = Assert.Single(Verify.Diagnostics(Tokens("""MultiheadAttention(4, {|MDSL0010:ProjName = ""|})""")));
        Assert.Equal("ProjName of MultiheadAttention is empty: give the part a state-dict name, or leave ProjName out for 'out_proj'", diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void AnEmptyPackedProjectionNameNamesTheBareParameters()
    {
        var diagnostic = Assert.Single(Verify.Diagnostics(Tokens("""MultiheadAttention(4, {|MDSL0010:QkvName = ""|})""")));
        Assert.EndsWith("leave QkvName out for 'in_proj_weight/in_proj_bias'", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void ADottedNameIsNotOneSegment()
    {
        var diagnostic = Assert.Single(Verify.Diagnostics(Tokens("""MultiheadAttention(4, QkvName = "qkv", {|MDSL0011:ProjName = "attn.proj"|})""")));
        Assert.Equal(
            "ProjName = \"attn.proj\" on MultiheadAttention is not one state-dict name: use letters, digits and '_' only (a '.' would put it inside a module the layer does not have)",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ANameWithASpaceIsNotOneSegment() =>
        Verify.Diagnostics(Image("""PatchMerging({|MDSL0011:NormName = "layer norm"|})"""));

    [Fact]
    public void TwoPartsGivenOneNameAreReportedOnTheSecond()
    {
        var diagnostic = Assert.Single(Verify.Diagnostics(Image("""ShiftedWindowAttentionV2(2, QkvName = "to_qkv", {|MDSL0012:CpbMlpName = "to_qkv"|})""")));
        Assert.Equal(
            "QkvName and CpbMlpName of ShiftedWindowAttentionV2 both name a part 'to_qkv': the layer cannot register two modules under one name",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ANameAnotherPartKeepsCollides()
    {
        var diagnostic = Assert.Single(Verify.Diagnostics(Image("""ShiftedWindowAttentionV2(2, {|MDSL0013:QkvName = "proj"|})""")));
        Assert.Equal(
            "QkvName = \"proj\" on ShiftedWindowAttentionV2 collides with 'proj', the name ProjName keeps: choose a name the layer does not register already",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ANameOfTheLayersOwnParameterOrBufferCollides()
    {
        var diagnostic = Assert.Single(Verify.Diagnostics(Image("""ShiftedWindowAttentionV2(2, {|MDSL0013:ProjName = "relative_position_index"|})""")));
        Assert.Contains("collides with the layer's own tensor 'relative_position_index'", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Verify.Diagnostics(Tokens("""Mamba({|MDSL0013:InProjName = "D"|})"""));
    }

    [Fact]
    public void AnOutputProjectionNamedAsTheBareInputProjectionCollides() =>
        Verify.Diagnostics(Tokens("""MultiheadAttention(4, {|MDSL0013:ProjName = "in_proj_weight"|})"""));

    [Fact]
    public void NanoGptsDefaultNamesAreSiblingsOfARenamedPart() =>
        Verify.Diagnostics(Tokens("""CausalSelfAttention(4, {|MDSL0013:ProjName = "c_attn"|})"""));

    [Fact]
    public void PartsMayTradeNamesAndTakeTheirOwnDefaults()
    {
        // Both parts renamed: neither keeps its default, so a swap registers two distinct modules.
        Verify.Silent(Tokens("""CausalSelfAttention(4, QkvName = "c_proj", ProjName = "c_attn")"""));
        Verify.Silent(Image("""ShiftedWindowAttentionV2(2, QkvName = "qkv", ProjName = "out")"""));
        Verify.Silent(Tokens("""Mamba(InProjName = "in_proj", OutProjName = "w_out")"""));
    }

    [Fact]
    public void InsideABlockTheNameIsCheckedOnTheBlocksAttribute() => Verify.Diagnostics("""
        using ModelDsl;

        [Block("heads")]
        [Residual]
        public partial class Encoder
        {
            [LayerNorm, MultiheadAttention("heads", {|MDSL0011:QkvName = "attn.qkv"|})] public partial Layer Attn { get; }
        }

        [Model(InputShape = [10, 32])]
        public partial class Net
        {
            [Block(typeof(Encoder), "heads = 4")] public partial Layer Layer0 { get; }
        }
        """);
}
