using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelDsl.Generators;

namespace ModelDsl.Generators.Tests;

/// <summary>Runs <see cref="ModelGenerator"/> on source text with <see cref="CSharpGeneratorDriver"/>, as the compiler would.</summary>
internal static class GeneratorHarness
{
    // C# 14's field keyword is preview in Roslyn 4.14; the SDK's compiler (5.x) has it as C# 14.
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview, DocumentationMode.Diagnose);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        // The framework this test runs on plus the ModelDsl runtime: what a user's project compiles against.
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return framework.Append(typeof(LayerBase).Assembly.Location).Append(typeof(TorchSharp.torch).Assembly.Location)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    });

    // What ModelDsl's build targets give a user's project: Layer, TorchSharp's Module<Tensor, Tensor>.
    public const string LayerAlias = "global using Layer = global::TorchSharp.torch.nn.Module<global::TorchSharp.torch.Tensor, global::TorchSharp.torch.Tensor>;";

    public static CSharpCompilation Compilation(params string[] sources) => CSharpCompilation.Create(
        "UserModels",
        // The alias first: tests that edit a compilation replace its last tree, a source of theirs.
        new[] { CSharpSyntaxTree.ParseText(LayerAlias, ParseOptions, path: "GlobalUsings.cs") }
            .Concat(sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, ParseOptions, path: "Input" + i + ".cs"))),
        References.Value,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver() => CSharpGeneratorDriver.Create(
        new[] { new ModelGenerator().AsSourceGenerator() },
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once over <paramref name="sources"/>.</summary>
    public static Run Generate(params string[] sources)
    {
        var compilation = Compilation(sources);
        var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new Run(driver, output, diagnostics);
    }

    /// <summary>One generator run: the driver (to run again incrementally), the compilation with generated trees, the generator's own diagnostics.</summary>
    public sealed record Run(GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
    {
        public GeneratorDriverRunResult Result => Driver.GetRunResult();

        /// <summary>Generated files by hint name.</summary>
        public IReadOnlyDictionary<string, string> Sources =>
            Result.Results.Single().GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());

        /// <summary>Every compiler diagnostic (warnings and errors) of the compilation with the generated code.</summary>
        public IReadOnlyList<Diagnostic> CompilationDiagnostics =>
            Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
    }
}
