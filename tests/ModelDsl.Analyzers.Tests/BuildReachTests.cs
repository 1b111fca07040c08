using System.Globalization;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// The cases that used to be rejected without a word in the build (issue 7): each now has its diagnostic, on the
/// attribute or member at fault, from the one parser or the resolved tree.
/// </summary>
public class BuildReachTests
{
    [Fact]
    public void MemoryFormatContiguous_IsAcceptedWithTheAnalyzers() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8], MemoryFormat = MemoryFormat.Contiguous)]
        public partial class Net
        {
            [Conv2d(4, Kernel = 3), ReLU] public partial Layer Stem { get; }
        }
        """);

    [Fact]
    public void UndefinedMemoryFormat_IsMalformed() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8], {|MDSL0005:MemoryFormat = (MemoryFormat)7|})]
        public partial class Net
        {
            [Conv2d(4, Kernel = 3), ReLU] public partial Layer Stem { get; }
        }
        """);

    [Fact]
    public void WeightBytesBeyond64Bits_IsReportedOnTheLayer()
    {
        // 2e9 × 2e9 weights fit (4e18 parameters), but 4 bytes each is 1.6e19 > 2^63 − 1.
        var diagnostic = Verify.Diagnostics("""
            using ModelDsl;
            [Model(InputShape = [2000000000])]
            public partial class Wide
            {
                [{|MDSL2006:Linear(2_000_000_000)|}] public partial Layer Fc { get; }
            }
            """).Single();
        Assert.Contains("layer 'fc'", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void AttentionAtTwoBillionTokens_IsReportedNotWrapped() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [2000000000, 64])]
        public partial class Long
        {
            [{|MDSL2006:MultiheadAttention(4)|}] public partial Layer Attention { get; }
        }
        """);

    [Fact]
    public void ConvolutionBeyond64Bits_IsReportedOnTheLayer() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [100000, 100000, 100000])]
        public partial class Huge
        {
            [{|MDSL2006:Conv2d(100000, Kernel = 3, Padding = 1)|}] public partial Layer Stem { get; }
        }
        """);

    [Fact]
    public void ATotalBeyond64Bits_IsReportedOnTheModel()
    {
        // Each layer fits: 1.5e9² = 2.25e18 parameters, 9e18 weight bytes. Their sum does not.
        var diagnostic = Verify.Diagnostics("""
            using ModelDsl;
            [{|MDSL2006:Model(InputShape = [1500000000])|}]
            public partial class Sum
            {
                [Linear(1_500_000_000)] public partial Layer A { get; }
                [Linear(1_500_000_000)] public partial Layer B { get; }
            }
            """).Single();
        Assert.Contains("the model total", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void ANameThatIsNotAStateDictSegment_IsMalformed() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [8])]
        public partial class Net
        {
            [Linear(4, {|MDSL0005:Name = "a.b"|})] public partial Layer A { get; }
        }
        """);

    [Fact]
    public void MembersCollidingAfterSnakeCase_AreReportedOnTheSecond()
    {
        var diagnostic = Verify.Diagnostics("""
            using ModelDsl;
            [Model(InputShape = [8])]
            public partial class Net
            {
                [Linear(4)] public partial Layer FooBar { get; }
                [Linear(4)] public partial Layer {|MDSL0002:Foo_Bar|} { get; }
            }
            """).Single();
        Assert.Contains("'foo_bar'", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void LayerMembersWithoutModelOrBlock_AreReported() => Verify.Diagnostics("""
        using ModelDsl;
        public partial class Forgotten
        {
            [Linear(4)] public partial Layer {|MDSL0002:A|} { get; }
        }
        """);

    [Fact]
    public void AVerbatimKeywordMember_IsGenerated() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [8])]
        public partial class Net
        {
            [Linear(4)] public partial Layer @class { get; }
        }
        """);
}
