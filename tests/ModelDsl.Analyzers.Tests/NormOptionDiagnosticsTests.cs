using System.Globalization;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// A norm's <c>Eps</c> and <c>Momentum</c> (issue 10's norm options): a non-positive epsilon would divide by zero or take
/// the root of a negative variance, a momentum outside [0, 1] is no blend of running statistics; each is MDSL0005 on the
/// named argument.
/// </summary>
public class NormOptionDiagnosticsTests
{
    private static string Image(string layers) => """
        using ModelDsl;

        [Model(InputShape = [8, 4, 4])]
        public partial class Net
        {
            [LAYERS] public partial Layer Body { get; }
        }
        """.Replace("LAYERS", layers, StringComparison.Ordinal);

    [Fact]
    public void TorchvisionsEfficientNetOptionsAreSilent() =>
        Verify.Silent(Image("BatchNorm2d(Eps = 0.001, Momentum = 0.01), GroupNorm(2, Eps = 1e-6), LayerNorm2d(Eps = 1e-6), Hardswish, Hardsigmoid"));

    [Fact]
    public void ANegativeEpsilonIsMalformed()
    {
        var diagnostic = Assert.Single(Verify.Diagnostics(Image("BatchNorm2d({|MDSL0005:Eps = -1e-5|})")));
        Assert.Contains("expected a positive, finite epsilon", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void AZeroEpsilonOnGroupNormAndLayerNorm2dIsMalformed()
    {
        Verify.Diagnostics(Image("GroupNorm(2, {|MDSL0005:Eps = 0|})"));
        Verify.Diagnostics(Image("LayerNorm2d({|MDSL0005:Eps = 0.0|})"));
    }

    [Fact]
    public void AMomentumAboveOneIsMalformed()
    {
        var diagnostic = Assert.Single(Verify.Diagnostics(Image("BatchNorm2d({|MDSL0005:Momentum = 1.5|})")));
        Assert.Contains("expected a momentum in [0, 1]", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void ANormOptionOnAVectorNormIsCheckedToo() => Verify.Diagnostics("""
        using ModelDsl;

        [Model(InputShape = [16])]
        public partial class Net
        {
            [Linear(8), BatchNorm1d({|MDSL0005:Momentum = -0.1|}), Hardswish] public partial Layer Body { get; }
        }
        """);
}
