namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// Permute, PatchMerging and ShiftedWindowAttentionV2 (Swin's channels-last layers): each misuse is a diagnostic on the
/// attribute that is wrong; Swin's own arrangement is silent.
/// </summary>
public class ChannelsLastDiagnosticsTests
{
    [Fact]
    public void SwinsArrangementIsSilent() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 32, 32])]
        public partial class Net
        {
            [Conv2d(16, Kernel = 4, Stride = 4), Permute(1, 2, 0), LayerNorm] public partial Layer Embed { get; }
            [ShiftedWindowAttentionV2(2, Window = 4, Shift = 2)] public partial Layer Attn { get; }
            [PatchMerging] public partial Layer Merge { get; }
            [LayerNorm, Permute(2, 0, 1), AdaptiveAvgPool2d(1), Flatten, Linear(10)] public partial Layer Head { get; }
        }
        """);

    [Fact]
    public void APermuteThatIsNotAPermutationIsAnInvalidArgument() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [{|MDSL1004:Permute(1, 1, 0)|}] public partial Layer Swap { get; }
        }
        """);

    [Fact]
    public void APermuteOfAnotherRankIsAShapeMismatch() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [{|MDSL1001:Permute(1, 0)|}] public partial Layer Swap { get; }
        }
        """);

    [Fact]
    public void WindowAttentionOnAVectorIsAShapeMismatch() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [16])]
        public partial class Net
        {
            [{|MDSL1001:ShiftedWindowAttentionV2(2)|}] public partial Layer Attn { get; }
        }
        """);

    [Fact]
    public void HeadsThatDoNotDivideTheWidthAreAnInvalidArgument() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 16, 16])]
        public partial class Net
        {
            [Conv2d(10, Kernel = 4, Stride = 4), Permute(1, 2, 0), {|MDSL1004:ShiftedWindowAttentionV2(3, Window = 2)|}] public partial Layer Stem { get; }
        }
        """);

    [Fact]
    public void AShiftAsLargeAsTheWindowIsAnInvalidArgument() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 16, 16])]
        public partial class Net
        {
            [Conv2d(8, Kernel = 4, Stride = 4), Permute(1, 2, 0), {|MDSL1004:ShiftedWindowAttentionV2(2, Window = 2, Shift = 2)|}] public partial Layer Stem { get; }
        }
        """);

    [Fact]
    public void ConvNeXtsBlockIsSilent() => Verify.Silent("""
        using ModelDsl;
        [Block]
        [Residual]
        public partial class CNBlock
        {
            [Conv2d(Depthwise = true, Kernel = 7, Padding = 3), Permute(1, 2, 0), LayerNorm(Eps = 1e-6), Linear("in_channels * 4"), GELU, Linear("in_channels"), Permute(2, 0, 1)]
            public partial Layer Block { get; }

            [LayerScale(1e-6)] public partial Layer LayerScale { get; }
        }

        [Model(InputShape = [3, 32, 32])]
        public partial class Net
        {
            [Conv2d(16, Kernel = 4, Stride = 4), LayerNorm2d(Eps = 1e-6)] public partial Layer Stem { get; }
            [Block(typeof(CNBlock))] public partial Layer Block1 { get; }
        }
        """);

    [Fact]
    public void LayerNorm2dOfAVectorIsAShapeMismatch() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [16])]
        public partial class Net
        {
            [Linear(8), {|MDSL1001:LayerNorm2d|}] public partial Layer Head { get; }
        }
        """);

    [Fact]
    public void ALayerScaleOfTokenIdsIsAShapeMismatch() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(SequenceLength = 8, Vocabulary = 100)]
        public partial class Net
        {
            [{|MDSL1001:LayerScale(1e-6)|}] public partial Layer Scale { get; }
        }
        """);

    [Fact]
    public void PatchMergingOfAVectorIsAShapeMismatch() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [16])]
        public partial class Net
        {
            [Linear(8), {|MDSL1001:PatchMerging|}] public partial Layer Merge { get; }
        }
        """);
}
