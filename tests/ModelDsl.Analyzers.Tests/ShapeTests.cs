using System.Globalization;

namespace ModelDsl.Analyzers.Tests;

/// <summary>MDSL1xxx: the first layer whose input does not fit, on the attribute that declared it.</summary>
public class ShapeTests
{
    private const string IdentityBlock = """
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

    [Fact]
    public void ShapeMismatch_FiresOnTheLayerWithExpectedAndActual()
    {
        var diagnostics = Verify.Diagnostics("""
            using ModelDsl;
            [Model(InputShape = [16])]
            public partial class Net
            {
                [Linear(8), ReLU] public partial Layer Hidden { get; }
                [Linear(4), {|MDSL1001:BatchNorm2d|}] public partial Layer Head { get; }
            }
            """);
        var message = diagnostics.Single().GetMessage(CultureInfo.InvariantCulture);
        Assert.Contains("head.1", message);
        Assert.Contains("[4]", message);
    }

    [Fact]
    public void ShapeMismatch_SilentOnTheCorrectedModel() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [16])]
        public partial class Net
        {
            [Linear(8), ReLU] public partial Layer Hidden { get; }
            [Linear(4), BatchNorm1d] public partial Layer Head { get; }
        }
        """);

    [Fact]
    public void ShapeMismatch_FindsANamedLayerInASequence() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [16])]
        public partial class Net
        {
            [Linear(8, Name = "fc"), {|MDSL1001:Conv2d(4, Kernel = 1, Name = "conv")|}] public partial Layer Body { get; }
        }
        """);

    [Fact]
    public void ResidualMismatch_FiresOnTheBlockUse() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [{|MDSL1002:Block(typeof(Demo.Plain), "planes = 16")|}] public partial Layer B { get; }
        }
        """, new[] { IdentityBlock });

    [Fact]
    public void ResidualMismatch_SilentWhenChannelsAgree() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Block(typeof(Demo.Plain), "planes = 3")] public partial Layer B { get; }
        }
        """, IdentityBlock);

    [Fact]
    public void KernelTooLarge_FiresOnTheConvolution() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 4, 4])]
        public partial class Net
        {
            [{|MDSL1003:Conv2d(8, Kernel = 7)|}] public partial Layer Conv { get; }
        }
        """);

    [Fact]
    public void KernelTooLarge_SilentWithPadding() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 4, 4])]
        public partial class Net
        {
            [Conv2d(8, Kernel = 7, Padding = 3)] public partial Layer Conv { get; }
        }
        """);

    [Fact]
    public void InvalidLayerArgument_FiresOnANegativeSize() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [16])]
        public partial class Net
        {
            [{|MDSL1004:Linear(-8)|}] public partial Layer Fc { get; }
        }
        """);

    [Fact]
    public void InvalidLayerArgument_SilentOnAPositiveSize() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [16])]
        public partial class Net
        {
            [Linear(8)] public partial Layer Fc { get; }
        }
        """);

    [Fact]
    public void InvalidInput_FiresOnTheModelAttribute() => Verify.Diagnostics("""
        using ModelDsl;
        [{|MDSL1005:Model(InputShape = [0])|}]
        public partial class Net
        {
            [Linear(8)] public partial Layer Fc { get; }
        }
        """);
}
