using System.Globalization;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// The DSL features the zoo needs (newer layer attributes, blocks and stages mixed with layers in one property, stage
/// item names, several residuals with From/Through, nn.Sequential blocks, properties typed as their block class):
/// each check fires at its exact span and is silent on the corrected code.
/// </summary>
public class DslFeatureTests
{
    private const string Plain = """
        using ModelDsl;
        namespace Demo;
        [Block("planes")]
        [Residual(Shortcut.Identity)]
        public partial class Plain
        {
            [Conv2d("planes", Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
            [BatchNorm2d] public partial Layer Bn1 { get; }
        }
        """;

    private const string ConvBn = """
        using ModelDsl;
        namespace Demo;
        [Block("out", "stride = 1", Sequential = true)]
        public partial class ConvBn
        {
            [Conv2d("out", Kernel = 3, Stride = "stride", Padding = 1, Bias = false)] public partial Layer Conv { get; }
            [BatchNorm2d] public partial Layer Norm { get; }
            [ReLU6] public partial Layer Activation { get; }
        }
        """;

    // --- Layer attributes come from the generator's table (LayerAttributeKinds) -------------------------------------

    [Fact]
    public void CausalSelfAttention_IsALayer() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [16, 32])]
        public partial class Net
        {
            [LayerNorm, CausalSelfAttention(4, Bias = false)] public partial Layer Attn { get; }
        }
        """);

    [Fact]
    public void CausalSelfAttention_ArgumentsAreChecked() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [16, 32])]
        public partial class Net
        {
            [LayerNorm, CausalSelfAttention({|MDSL0005:2.5|}, Bias = false)] public partial Layer Attn { get; }
        }
        """);

    [Fact]
    public void Mamba_IsALayer() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [16, 32])]
        public partial class Net
        {
            [RMSNorm, Mamba] public partial Layer Mixer { get; }
        }
        """);

    // --- Blocks and stages mixed with layers in one property --------------------------------------------------------

    [Fact]
    public void MixedMember_Silent() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Conv2d(8, Kernel = 3, Padding = 1), Stage(typeof(Demo.Plain), "planes = 8", Blocks = 2), Block(typeof(Demo.Plain), "planes = 8")]
            public partial Layer Features { get; }
        }
        """, Plain);

    [Fact]
    public void MixedMember_ShapeErrorFiresOnTheStageThatHoldsTheBlock()
    {
        // features.0 is the convolution, features.1–2 the first stage's blocks, features.3–4 the second's: the residual
        // of features.3 fails, which is the second stage, not the fourth attribute.
        var diagnostic = Verify.Diagnostics("""
            using ModelDsl;
            [Model(InputShape = [3, 8, 8])]
            public partial class Net
            {
                [Conv2d(8, Kernel = 3, Padding = 1), Stage(typeof(Demo.Plain), "planes = 8", Blocks = 2), {|MDSL1002:Stage(typeof(Demo.Plain), "planes = 16", Blocks = 2)|}, ReLU]
                public partial Layer Features { get; }
            }
            """, new[] { Plain }).Single();
        Assert.Contains("features.3", diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void MixedMember_ShapeErrorAfterAStageFiresOnTheLayer() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Stage(typeof(Demo.Plain), "planes = 3", Blocks = 3), Flatten, {|MDSL1001:BatchNorm2d|}]
            public partial Layer Features { get; }
        }
        """, new[] { Plain });

    [Fact]
    public void MixedMember_CorrectedShapeIsSilent() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Stage(typeof(Demo.Plain), "planes = 3", Blocks = 3), Flatten, BatchNorm1d]
            public partial Layer Features { get; }
        }
        """, Plain);

    [Fact]
    public void NamedLayer_ShapeErrorFiresOnItsAttribute() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [16])]
        public partial class Net
        {
            [Linear(8)] public partial Layer Hidden { get; }
            [{|MDSL1001:BatchNorm2d(Name = "norm")|}] public partial Layer Norm2 { get; }
        }
        """);

    [Fact]
    public void NamedLayer_CorrectedIsSilent() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [16])]
        public partial class Net
        {
            [Linear(8)] public partial Layer Hidden { get; }
            [BatchNorm1d(Name = "norm")] public partial Layer Norm2 { get; }
        }
        """);

    // --- Stage(Blocks = …, Item = …) ---------------------------------------------------------------------------------

    [Fact]
    public void StageItem_Silent() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Stage(typeof(Demo.Plain), "planes = 3", Blocks = 2, Item = "layer_{i}")] public partial Layer Layers { get; }
        }
        """, Plain);

    [Fact]
    public void StageItem_FiresWithoutTheNumber() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Stage(typeof(Demo.Plain), "planes = 3", Blocks = 2, {|MDSL0005:Item = "layer"|})] public partial Layer Layers { get; }
        }
        """, new[] { Plain });

    [Fact]
    public void StageItem_FiresOnADottedPattern() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Stage(typeof(Demo.Plain), "planes = 3", Blocks = 2, {|MDSL0005:Item = "dense.layer{i+1}"|})] public partial Layer Layers { get; }
        }
        """, new[] { Plain });

    [Fact]
    public void StageItem_CountingFromOneIsSilent() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Stage(typeof(Demo.Plain), "planes = 3", Blocks = 2, Item = "denselayer{i+1}")] public partial Layer Layers { get; }
        }
        """, Plain);

    [Fact]
    public void StageName_Silent() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Stage(typeof(Demo.Plain), "planes = 3", Blocks = 2, Name = "h")] public partial Layer Layers { get; }
        }
        """, Plain);

    [Fact]
    public void StageName_FiresOnADottedName() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Stage(typeof(Demo.Plain), "planes = 3", Blocks = 2, {|MDSL0005:Name = "a.b"|})] public partial Layer Layers { get; }
        }
        """, new[] { Plain });

    [Fact]
    public void StageBlocks_FiresWhenNotPositive() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Stage(typeof(Demo.Plain), "planes = 3", {|MDSL0005:Blocks = 0|})] public partial Layer Layers { get; }
        }
        """, new[] { Plain });

    // --- Residuals: From, Through, several per block ----------------------------------------------------------------

    private const string TwoResiduals = """
        using ModelDsl;
        [Block("heads")]
        [Residual(From = nameof(Ln1), Through = nameof(Attn))]
        [Residual(From = nameof(Ln2), Through = nameof(Mlp))]
        public partial class Encoder
        {
            [LayerNorm] public partial Layer Ln1 { get; }
            [MultiheadAttention("heads")] public partial Layer Attn { get; }
            [LayerNorm] public partial Layer Ln2 { get; }
            [Linear("in_channels * 4"), GELU, Linear("in_channels")] public partial Layer Mlp { get; }
        }
        [Model(InputShape = [16, 32])]
        public partial class Net
        {
            [Stage(typeof(Encoder), "heads = 4", Blocks = 2)] public partial Layer Layers { get; }
        }
        """;

    [Fact]
    public void Residuals_SeveralWithFromAreSilent() => Verify.Silent(TwoResiduals);

    [Fact]
    public void Residuals_UnknownFromFires() => Verify.Diagnostics(TwoResiduals.Replace("From = nameof(Ln1)", "{|MDSL0005:From = \"Norm\"|}"));

    [Fact]
    public void Residuals_TheSecondIsCheckedToo() => Verify.Diagnostics(TwoResiduals.Replace("Through = nameof(Mlp)", "{|MDSL0005:Through = \"Head\"|}"));

    [Fact]
    public void Residuals_ThroughBeforeFromFires() => Verify.Diagnostics(TwoResiduals.Replace("[Residual(From = nameof(Ln2), Through = nameof(Mlp))]", "[Residual(From = nameof(Mlp), {|MDSL0005:Through = nameof(Ln2)|})]"));

    [Fact]
    public void Residuals_OverlappingRangesFire() => Verify.Diagnostics(TwoResiduals.Replace("[Residual(From = nameof(Ln2), Through = nameof(Mlp))]", "[{|MDSL0005:Residual(From = nameof(Attn), Through = nameof(Mlp))|}]"));

    [Fact]
    public void Residuals_ProjectionNameClashingWithAMemberFires() => Verify.Diagnostics("""
        using ModelDsl;
        [Block("planes")]
        [Residual(Shortcut.Projection, Through = nameof(Conv), {|MDSL0005:ProjectionName = "out"|})]
        public partial class B
        {
            [Conv2d("planes", Kernel = 3, Padding = 1)] public partial Layer Conv { get; }
            [ReLU] public partial Layer Out { get; }
        }
        """);

    [Fact]
    public void Residuals_ProjectionNameCorrectedIsSilent() => Verify.Silent("""
        using ModelDsl;
        [Block("planes")]
        [Residual(Shortcut.Projection, Through = nameof(Conv), ProjectionName = "shortcut")]
        public partial class B
        {
            [Conv2d("planes", Kernel = 3, Padding = 1)] public partial Layer Conv { get; }
            [ReLU] public partial Layer Out { get; }
        }
        """);

    [Fact]
    public void Residuals_DefaultCoversTheWholeBlock() => Verify.Silent("""
        using ModelDsl;
        [Block]
        [Residual]
        public partial class Mixer
        {
            [RMSNorm] public partial Layer Norm { get; }
            [Mamba] public partial Layer Inner { get; }
        }
        [Model(InputShape = [16, 32])]
        public partial class Net
        {
            [Stage(typeof(Mixer), Blocks = 2)] public partial Layer Layers { get; }
        }
        """);

    // --- [Block(Sequential = true)] --------------------------------------------------------------------------------

    [Fact]
    public void SequentialBlock_Silent() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Block(typeof(Demo.ConvBn), "out = 8", "stride = 2"), Block(typeof(Demo.ConvBn), "out = 16")] public partial Layer Features { get; }
        }
        """, ConvBn);

    [Fact]
    public void SequentialBlock_ShapeErrorAfterBlocksFiresOnTheLayer() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 2, 2])]
        public partial class Net
        {
            [Block(typeof(Demo.ConvBn), "out = 8", "stride = 2"), Block(typeof(Demo.ConvBn), "out = 16"), {|MDSL1003:MaxPool2d(4)|}] public partial Layer Features { get; }
        }
        """, new[] { ConvBn });

    [Fact]
    public void SequentialBlock_ErrorInsideFiresOnItsUse()
    {
        var diagnostic = Verify.Diagnostics("""
            using ModelDsl;
            [Model(InputShape = [3, 8, 8])]
            public partial class Net
            {
                [Block(typeof(Demo.ConvBn), "out = 8", "stride = 2"), {|MDSL1004:Block(typeof(Demo.ConvBn), "out = 16", "stride = 0")|}] public partial Layer Features { get; }
            }
            """, new[] { ConvBn }).Single();
        Assert.Contains("features.1.0", diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void SequentialBlock_CorrectedIsSilent() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Block(typeof(Demo.ConvBn), "out = 8", "stride = 2"), Block(typeof(Demo.ConvBn), "out = 16", "stride = 2"), MaxPool2d(2)] public partial Layer Features { get; }
        }
        """, ConvBn);

    [Fact]
    public void SequentialOnAUse_Fires() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Block(typeof(Demo.ConvBn), "out = 8", {|MDSL0005:Sequential = true|})] public partial Layer Features { get; }
        }
        """, new[] { ConvBn });

    // --- Properties typed as their block class ----------------------------------------------------------------------

    [Fact]
    public void TypedBlockProperty_Silent() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Block(typeof(Demo.ConvBn), "out = 8")] public partial Demo.ConvBn Stem { get; }
            [Block(typeof(Demo.Plain), "planes = 8")] public partial Demo.Plain Body { get; }
        }
        """, ConvBn, Plain);

    [Fact]
    public void TypedBlockProperty_FiresWhenItHoldsAnotherBlock() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Block(typeof(Demo.ConvBn), "out = 8")] public partial Demo.Plain {|MDSL0002:Stem|} { get; }
        }
        """, new[] { ConvBn, Plain });

    // --- One [Block] declaration per class, and not on a model -----------------------------------------------------

    [Fact]
    public void BlockDeclaredTwice_FiresOnTheSecond() => Verify.Diagnostics("""
        using ModelDsl;
        [Block("planes")]
        [{|MDSL0005:Block("stride = 1")|}]
        public partial class B
        {
            [Conv2d("planes", Kernel = 3, Padding = 1)] public partial Layer Conv { get; }
        }
        """);

    [Fact]
    public void BlockDeclaredOnce_Silent() => Verify.Silent("""
        using ModelDsl;
        [Block("planes", "stride = 1")]
        public partial class B
        {
            [Conv2d("planes", Kernel = 3, Stride = "stride", Padding = 1)] public partial Layer Conv { get; }
        }
        """);

    [Fact]
    public void ModelThatIsAlsoABlock_Fires() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [4])]
        [{|MDSL0005:Block|}]
        public partial class Net
        {
            [Linear(2)] public partial Layer Fc { get; }
        }
        """);

    [Fact]
    public void ResidualOnAModel_Fires() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [4])]
        [{|MDSL0005:Residual|}]
        public partial class Net
        {
            [Linear(4)] public partial Layer Fc { get; }
        }
        """);

    [Fact]
    public void ResidualOnABlockUsedByAModel_Silent() => Verify.Silent("""
        using ModelDsl;
        [Block]
        [Residual]
        public partial class Skip
        {
            [Linear("in_channels")] public partial Layer Fc { get; }
        }
        [Model(InputShape = [4])]
        public partial class Net
        {
            [Block(typeof(Skip))] public partial Layer Body { get; }
        }
        """);
}
