using Microsoft.CodeAnalysis;

namespace ModelDsl.Generators.Tests;

/// <summary>
/// A named argument a ModelDsl attribute does not have: the compiler drops it and says only CS0246 ("the type or
/// namespace name 'Kernal' could not be found"), which also stops a real build before the analyzers. The generator
/// reports MDSL0015 on the argument's name, with the closest argument the attribute has and the list of them.
/// </summary>
public class UnknownArgumentTests
{
    // Conv2dAttribute's named arguments in declaration order, then LayerAttribute's Name (written out from the attribute
    // sources in src/ModelDsl/Attributes, not from a run).
    private const string Conv2dArguments = "Kernel, Stride, Padding, Dilation, Groups, Depthwise, Bias, Name";

    [Theory]
    [InlineData("Kernal = 3", "Kernal", " (did you mean 'Kernel'?)", "CS0246")]       // a typo
    [InlineData("kernel = 3", "kernel", " (did you mean 'Kernel'?)", "CS0246")]       // the case
    [InlineData("Strides = 2", "Strides", " (did you mean 'Stride'?)", "CS0246")]     // PyTorch's plural
    [InlineData("Size = 8", "Size", "", "CS0246")]                                    // nothing close: no guess
    [InlineData("OutChannels = 8", "OutChannels", " ('outChannels' is a constructor argument: write it first, without a name)", "CS0617")]   // read-only
    public void ANamedArgumentALayerAttributeLacksIsReportedOnItsNameWithTheClosestOne(string argument, string name, string guess, string compilerError)
    {
        var source = "using ModelDsl;\nnamespace Demo;\n[Model(InputShape = [1, 8, 8])]\npublic partial class M\n{\n    [Conv2d(4, " + argument + ")] public partial Layer Stem { get; }\n}\n";
        var run = GeneratorHarness.Generate(source);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("MDSL0015", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal($"[Conv2d] has no argument '{name}'{guess}; its named arguments are {Conv2dArguments}", diagnostic.GetMessage());
        Assert.Equal(name, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Equal(5, diagnostic.Location.GetLineSpan().StartLinePosition.Line);

        // The compiler's own error is still there; the model is generated from the arguments that bound, so nothing else fails.
        Assert.Contains(run.Output.GetDiagnostics(), d => d.Id == compilerError);
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Id is "CS9248" or "CS8795");
    }

    [Fact]
    public void ModelVariantAndBlockAttributesAreCheckedTooAndEachUnknownNameOnce()
    {
        var run = GeneratorHarness.Generate("""
            using ModelDsl;
            namespace Demo;
            [Model(InputShap = [8])]
            [Variant("Half", KeepChanels = 0.5)]
            public partial class M
            {
                [Linear(4, Bais = false, Nmae = "fc")] public partial Layer A { get; }
            }
            [Block("width")]
            public partial class B
            {
                [Linear("width", Biass = true)] public partial Layer L { get; }
            }
            """);

        var messages = run.GeneratorDiagnostics.Where(d => d.Id == "MDSL0015").Select(d => d.GetMessage().Split(';')[0]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            new[]
            {
                "[Linear] has no argument 'Bais' (did you mean 'Bias'?)",
                "[Linear] has no argument 'Biass' (did you mean 'Bias'?)",
                "[Linear] has no argument 'Nmae' (did you mean 'Name'?)",
                "[Model] has no argument 'InputShap' (did you mean 'InputShape'?)",
                "[Variant] has no argument 'KeepChanels' (did you mean 'KeepChannels'?)",
            },
            messages);
        Assert.Equal(5, run.GeneratorDiagnostics.Length);   // no MDSL0014 besides, and nothing twice
    }

    [Theory]
    [InlineData("kernel: 3", "kernel", " (a named argument takes '=': Kernel = …)")]    // PyTorch's keyword habit
    [InlineData("Kernel: 3", "Kernel", " (a named argument takes '=': Kernel = …)")]    // the right name, the wrong form
    [InlineData("size: 3", "size", "")]                                                  // neither
    public void APropertyWrittenAsAConstructorParameterSaysNamedArgumentsTakeEquals(string argument, string name, string guess)
    {
        var source = "using ModelDsl;\nnamespace Demo;\n[Model(InputShape = [1, 8, 8])]\npublic partial class M\n{\n    [Conv2d(4, " + argument + ")] public partial Layer Stem { get; }\n}\n";
        var run = GeneratorHarness.Generate(source);

        // Only MDSL0015: the attribute does not bind (no constructor has that parameter), but MDSL0014 would say less.
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal($"[Conv2d] has no argument '{name}'{guess}; its named arguments are {Conv2dArguments}", diagnostic.GetMessage());
        Assert.Equal(name, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains(run.Output.GetDiagnostics(), d => d.Id == "CS1739");
    }

    [Fact]
    public void AConstructorParameterByNameIsFine()
    {
        var run = GeneratorHarness.Generate("using ModelDsl;\nnamespace Demo;\n[Model(InputShape = [1, 8, 8])]\npublic partial class M\n{\n    [Conv2d(outChannels: 4, Kernel = 3)] public partial Layer Stem { get; }\n}\n");
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void AnUnknownNameOnAnotherLibrarysAttributeIsLeftToTheCompiler()
    {
        var run = GeneratorHarness.Generate("""
            using ModelDsl;
            namespace Demo;
            [System.Obsolete(Messag = "x")]
            [Model(InputShape = [8])]
            public partial class M
            {
                [Linear(4)] public partial Layer A { get; }
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains(run.Output.GetDiagnostics(), d => d.Id == "CS0246");
    }
}
