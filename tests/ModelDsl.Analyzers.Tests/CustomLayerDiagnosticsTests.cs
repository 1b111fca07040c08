namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// The escape hatch ([Custom(typeof(T), …)]): what the compiler can know about the user's class is checked on the
/// typeof, the declared expressions like every other argument, and the declared output against the next layer.
/// </summary>
public class CustomLayerDiagnosticsTests
{
    private const string Modules = """

        public sealed class Shuffle : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
        {
            public Shuffle(long groups) : base(nameof(Shuffle)) { }
            public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor input) => input;
        }

        public sealed class NotAModule
        {
        }
        """;

    [Fact]
    public void AClassThatIsNotAModuleIsReportedOnItsTypeof() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [8, 4, 4])]
        public partial class Net
        {
            [Custom({|MDSL0009:typeof(NotAModule)|})] public partial Layer Odd { get; }
        }
        """ + Modules);

    [Fact]
    public void AConstructorThatDoesNotTakeTheArgumentsIsReportedWithTheConstructorsThereAre()
    {
        var diagnostics = Verify.Diagnostics("""
            using ModelDsl;
            [Model(InputShape = [8, 4, 4])]
            public partial class Net
            {
                [Custom({|MDSL0009:typeof(Shuffle)|}, 2, true)] public partial Layer Mix { get; }
            }
            """ + Modules);
        var message = Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("'Shuffle' cannot be a custom layer: no constructor takes integer, boolean; its constructors take (long groups)", message);
    }

    [Fact]
    public void AnUnknownNameInADeclaredOutputIsMDSL0006() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [8, 4, 4])]
        public partial class Net
        {
            [Custom(typeof(Shuffle), 2, {|MDSL0006:Output = ["in0", "height", "in2"]|})] public partial Layer Mix { get; }
        }
        """ + Modules);

    [Fact]
    public void ADeclaredOutputThatDoesNotFitTheNextLayerIsReportedOnTheNextLayer() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [8, 4, 4])]
        public partial class Net
        {
            [Custom(typeof(Shuffle), 2, Output = ["in0", "in1 * in2"])] public partial Layer Mix { get; }
            [{|MDSL1001:Conv2d(16, Kernel = 3)|}] public partial Layer Conv { get; }
        }
        """ + Modules);

    [Fact]
    public void AWellDeclaredCustomLayerIsSilent() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [8, 4, 4])]
        public partial class Net
        {
            [Custom(typeof(Shuffle), "in0 / 4", Output = ["in0", "in1", "in2"])] public partial Shuffle Mix { get; }
            [Conv2d(16, Kernel = 3)] public partial Layer Conv { get; }
        }
        """ + Modules);

    [Fact]
    public void AStructuredVariantOfAModelWithACustomLayerSaysFromDenseCannotCutIt() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [8, 4, 4])]
        [Variant("Half", {|MDSL3008:KeepChannels = 0.5|})]
        public partial class Net
        {
            [Conv2d(8, Kernel = 1)] public partial Layer Stem { get; }
            [Custom(typeof(Shuffle), 2)] public partial Layer Mix { get; }
            [Conv2d(16, Kernel = 3)] public partial Layer Conv { get; }
        }
        """ + Modules);
}
