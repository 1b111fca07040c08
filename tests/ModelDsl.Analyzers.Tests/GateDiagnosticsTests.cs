namespace ModelDsl.Analyzers.Tests;

/// <summary>A multiplying residual (a gate): its shortcut is the identity, and its branch must broadcast over its input.</summary>
public class GateDiagnosticsTests
{
    private const string Model = """

        [Model(InputShape = [16, 8, 8])]
        public partial class Net
        {
            [Block(typeof(Gate), "squeeze = 4")] public partial Layer Se { get; }
        }
        """;

    [Fact]
    public void AGateWithAProjectionShortcutIsMalformed() => Verify.Diagnostics("""
        using ModelDsl;
        [Block("squeeze")]
        [Residual(Shortcut.Projection, {|MDSL0005:Combine = Combine.Multiply|})]
        public partial class Gate
        {
            [AdaptiveAvgPool2d(1), Conv2d("squeeze", Kernel = 1), ReLU, Conv2d("in_channels", Kernel = 1), Sigmoid] public partial Layer Body { get; }
        }
        """ + Model);

    [Fact]
    public void AGateThatDoesNotBroadcastIsAResidualMismatchOnItsUse() => Verify.Diagnostics("""
        using ModelDsl;
        [Block("squeeze")]
        [Residual(Combine = Combine.Multiply)]
        public partial class Gate
        {
            [AdaptiveAvgPool2d(1), Conv2d("squeeze", Kernel = 1), ReLU, Conv2d(8, Kernel = 1), Sigmoid] public partial Layer Body { get; }
        }

        [Model(InputShape = [16, 8, 8])]
        public partial class Net
        {
            [{|MDSL1002:Block(typeof(Gate), "squeeze = 4")|}] public partial Layer Se { get; }
        }
        """);

    [Fact]
    public void AGateThatBroadcastsIsSilent() => Verify.Silent("""
        using ModelDsl;
        [Block("squeeze")]
        [Residual(Combine = Combine.Multiply)]
        public partial class Gate
        {
            [AdaptiveAvgPool2d(1), Conv2d("squeeze", Kernel = 1), ReLU, Conv2d("in_channels", Kernel = 1), Sigmoid] public partial Layer Body { get; }
        }
        """ + Model);
}
