namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// Concatenating residuals (<c>Combine.Concat</c>, <c>Shortcut.Split</c>, <c>ShortcutFrom</c>) and <c>ChannelShuffle</c>:
/// each misuse is a diagnostic on the attribute or argument that is wrong; the DenseNet and ShuffleNetV2 shapes are silent.
/// </summary>
public class ConcatDiagnosticsTests
{
    private const string DenseLayer = """
        using ModelDsl;
        [Block("growth", "stride = 1")]
        [Residual(Combine = Combine.Concat)]
        public partial class Dense
        {
            [BatchNorm2d, ReLU, Conv2d("growth", Kernel = 3, Stride = "stride", Padding = 1, Bias = false)] public partial Layer Body { get; }
        }

        """;

    [Fact]
    public void ADenseLayerIsSilent() => Verify.Silent(DenseLayer + """
        [Model(InputShape = [16, 8, 8])]
        public partial class Net
        {
            [Stage(typeof(Dense), "growth = 4", Blocks = 3, Item = "denselayer{i+1}")] public partial Layer Block1 { get; }
        }
        """);

    [Fact]
    public void AConcatOfMismatchedSpatialSizesIsAResidualMismatchOnItsUse()
    {
        var diagnostic = Verify.Diagnostics(DenseLayer + """
            [Model(InputShape = [16, 8, 8])]
            public partial class Net
            {
                [{|MDSL1002:Block(typeof(Dense), "growth = 4", "stride = 2")|}] public partial Layer Layer1 { get; }
            }
            """).Single();
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("layer1.cat", message, StringComparison.Ordinal);
        Assert.Contains("[4, 4, 4]", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AConcatWithAProjectionShortcutIsMalformed() => Verify.Diagnostics("""
        using ModelDsl;
        [Block]
        [Residual(Shortcut.Projection, {|MDSL0005:Combine = Combine.Concat|})]
        public partial class Dense
        {
            [Conv2d(4, Kernel = 3, Padding = 1)] public partial Layer Body { get; }
        }

        [Model(InputShape = [16, 8, 8])]
        public partial class Net
        {
            [Block(typeof(Dense))] public partial Layer Layer1 { get; }
        }
        """);

    [Fact]
    public void ASplitWithoutConcatIsMalformed() => Verify.Diagnostics("""
        using ModelDsl;
        [Block]
        [Residual({|MDSL0005:Shortcut.Split|})]
        public partial class Unit
        {
            [Conv2d("in_channels / 2", Kernel = 1)] public partial Layer Body { get; }
        }

        [Model(InputShape = [16, 8, 8])]
        public partial class Net
        {
            [Block(typeof(Unit))] public partial Layer Layer1 { get; }
        }
        """);

    [Fact]
    public void ASplitOfAnOddChannelCountIsAResidualMismatchOnItsUse() => Verify.Diagnostics("""
        using ModelDsl;
        [Block]
        [Residual(Shortcut.Split, Combine = Combine.Concat)]
        public partial class Unit
        {
            [Conv2d(4, Kernel = 1)] public partial Layer Body { get; }
        }

        [Model(InputShape = [15, 8, 8])]
        public partial class Net
        {
            [{|MDSL1002:Block(typeof(Unit))|}] public partial Layer Layer1 { get; }
        }
        """);

    [Fact]
    public void AShortcutPathAfterTheBranchIsMalformed() => Verify.Diagnostics("""
        using ModelDsl;
        [Block]
        [Residual(Combine = Combine.Concat, {|MDSL0005:ShortcutFrom = nameof(Branch2)|}, From = nameof(Branch1), Through = nameof(Branch1))]
        public partial class Down
        {
            [Conv2d(4, Kernel = 1)] public partial Layer Branch1 { get; }
            [Conv2d(4, Kernel = 1)] public partial Layer Branch2 { get; }
        }

        [Model(InputShape = [16, 8, 8])]
        public partial class Net
        {
            [Block(typeof(Down))] public partial Layer Layer1 { get; }
        }
        """);

    [Fact]
    public void AShortcutPathThatIsNotAMemberIsMalformed() => Verify.Diagnostics("""
        using ModelDsl;
        [Block]
        [Residual(Combine = Combine.Concat, {|MDSL0005:ShortcutFrom = "Branch0"|}, From = nameof(Branch2))]
        public partial class Down
        {
            [Conv2d(4, Kernel = 1)] public partial Layer Branch1 { get; }
            [Conv2d(4, Kernel = 1)] public partial Layer Branch2 { get; }
        }

        [Model(InputShape = [16, 8, 8])]
        public partial class Net
        {
            [Block(typeof(Down))] public partial Layer Layer1 { get; }
        }
        """);

    [Fact]
    public void ShortcutPathsOfOtherResolutionsAreAResidualMismatchOnTheUse() => Verify.Diagnostics("""
        using ModelDsl;
        [Block]
        [Residual(Combine = Combine.Concat, ShortcutFrom = nameof(Branch1), From = nameof(Branch2))]
        public partial class Down
        {
            [Conv2d(4, Kernel = 1, Stride = 2)] public partial Layer Branch1 { get; }
            [Conv2d(4, Kernel = 1)] public partial Layer Branch2 { get; }
        }

        [Model(InputShape = [16, 8, 8])]
        public partial class Net
        {
            [{|MDSL1002:Block(typeof(Down))|}] public partial Layer Layer1 { get; }
        }
        """);

    [Fact]
    public void AShuffleWhoseGroupsDoNotDivideTheChannelsIsAnInvalidArgument() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [16, 8, 8])]
        public partial class Net
        {
            [Conv2d(10, Kernel = 1), {|MDSL1004:ChannelShuffle(4)|}] public partial Layer Stem { get; }
        }
        """);

    [Fact]
    public void AShuffleOfAVectorIsAShapeMismatch() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [16])]
        public partial class Net
        {
            [Linear(8), {|MDSL1001:ChannelShuffle(2)|}] public partial Layer Head { get; }
        }
        """);

    [Fact]
    public void APrunedVariantStopsAtAConcatenation()
    {
        var diagnostic = Verify.Diagnostics(DenseLayer + """
            [Model(InputShape = [3, 8, 8])]
            [Variant("Half", {|MDSL3008:KeepChannels = 0.5|})]
            public partial class Net
            {
                [Conv2d(16, Kernel = 3, Padding = 1)] public partial Layer Stem { get; }
                [Block(typeof(Dense), "growth = 4")] public partial Layer Layer1 { get; }
                [AdaptiveAvgPool2d(1), Flatten, Linear(10)] public partial Layer Head { get; }
            }
            """).Single();
        Assert.Contains("concatenation at 'layer1.cat'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
