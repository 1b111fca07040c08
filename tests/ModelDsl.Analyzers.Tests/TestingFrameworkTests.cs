using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using ModelDsl.Generators;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// The analyzers as Roslyn's own test framework runs them, with the generator in the same compilation: the framework
/// checks every diagnostic, the compiler's included, so these tests fail on a CS9248 (or any error in generated code)
/// as well as on a missing or misplaced MDSL diagnostic. Reference assemblies come from Basic.Reference.Assemblies
/// (offline), plus the ModelDsl runtime for the attributes.
/// </summary>
public class TestingFrameworkTests
{
    [Fact]
    public Task InvalidModel_CompilesWithTheCompletionAndReportsOnTheAttribute() => Run("""
        using ModelDsl;
        namespace Demo;

        [Model(InputShape = [3, 4, 4])]
        public partial class Net
        {
            [{|MDSL1003:Conv2d(8, Kernel = 7)|}] public partial Layer Stem { get; }
            [ReLU] public partial Layer Act { get; }
        }
        """);

    [Fact]
    public Task DeclarationError_InABlock_IsReportedOnceOnTheBlock_AndTheModelStillCompiles() => Run("""
        using ModelDsl;
        namespace Demo;

        [Block("width")]
        public partial class Unit
        {
            [Linear({|MDSL0006:"depth"|})] public partial Layer Fc { get; }
        }

        [Model(InputShape = [8])]
        public partial class Net
        {
            [Block(typeof(Unit), "width = 4")] public partial Unit Body { get; }
        }
        """);

    [Fact]
    public Task ValidModel_GetsOnlyItsCostInfo() => Run("""
        using ModelDsl;
        namespace Demo;

        [Model(InputShape = [8])]
        public partial class {|MDSL2005:Net|}
        {
            [Linear(4)] public partial Layer Fc { get; }
        }
        """);

    private static Task Run(string source)
    {
        var test = new GeneratedAnalyzerTest { TestCode = source };
        return test.RunAsync();
    }

    private sealed class GeneratedAnalyzerTest : CSharpAnalyzerTest<ModelAnalyzer, DefaultVerifier>
    {
        public GeneratedAnalyzerTest()
        {
            // No package download: an empty reference set, filled from Basic.Reference.Assemblies.
            ReferenceAssemblies = new ReferenceAssemblies("net10.0");
            TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net100.References.All);
            TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(LayerBase).Assembly.Location));
            TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location));
            TestState.Sources.Add(("GlobalUsings.cs", AnalyzerHarness.LayerAlias.ToString()));

            // The generator's output is part of the compilation, as in a user's build; its files are not compared.
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        }

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(ModelGenerator)];

        protected override ParseOptions CreateParseOptions() => new CSharpParseOptions(LanguageVersion.Preview);

        protected override CompilationOptions CreateCompilationOptions() =>
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);
    }
}
