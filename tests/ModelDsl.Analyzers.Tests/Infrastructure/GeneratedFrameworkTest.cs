using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using ModelDsl.Generators;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// Roslyn's test framework set up as a user's build is: the analyzers, the generator's output in the compilation (its
/// files are not compared), reference assemblies from Basic.Reference.Assemblies (no package download), the ModelDsl
/// runtime for the attributes and the <c>Layer</c> alias, before and after a fix. With <see cref="EmptyCodeFixProvider"/>
/// and <c>FixedCode = TestCode</c> it checks the analyzers' diagnostics alone.
/// </summary>
/// <typeparam name="TFix">The code fix under test.</typeparam>
internal sealed class GeneratedFrameworkTest<TFix> : CSharpCodeFixTest<ModelAnalyzer, TFix, DefaultVerifier>
    where TFix : CodeFixProvider, new()
{
    public GeneratedFrameworkTest()
    {
        ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        foreach (var state in new[] { TestState, FixedState })
        {
            state.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net100.References.All);
            state.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(LayerBase).Assembly.Location));
            state.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location));
            state.Sources.Add(("GlobalUsings.cs", AnalyzerHarness.LayerAlias.ToString()));
        }

        TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
    }

    protected override IEnumerable<Type> GetSourceGenerators() => [typeof(ModelGenerator)];

    protected override ParseOptions CreateParseOptions() => new CSharpParseOptions(LanguageVersion.Preview);

    protected override CompilationOptions CreateCompilationOptions() =>
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);
}
