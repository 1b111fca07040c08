using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ModelDsl.Generators;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// Runs the generator and then <see cref="ModelAnalyzer"/> over source text, as a build does: the analyzers see the
/// compilation with the generated parts (Microsoft.CodeAnalysis.Testing is not available here).
/// </summary>
internal static class AnalyzerHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return framework.Append(typeof(LayerBase).Assembly.Location).Append(typeof(TorchSharp.torch).Assembly.Location)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    });

    public static ImmutableArray<MetadataReference> MetadataReferences => References.Value;

    /// <summary>What ModelDsl's build targets give a user's project: <c>Layer</c>, TorchSharp's Module&lt;Tensor, Tensor&gt;.</summary>
    public static SyntaxTree LayerAlias { get; } = CSharpSyntaxTree.ParseText(
        "global using Layer = global::TorchSharp.torch.nn.Module<global::TorchSharp.torch.Tensor, global::TorchSharp.torch.Tensor>;", ParseOptions, path: "GlobalUsings.cs");

    public static CSharpCompilation Compilation(params string[] sources) => CSharpCompilation.Create(
        "UserModels",
        sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, ParseOptions, path: "Input" + i + ".cs")).Append(LayerAlias),
        References.Value,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>The result of one generator + analyzer run.</summary>
    public sealed record Run(Compilation Compilation, ImmutableArray<Diagnostic> GeneratorDiagnostics, ImmutableArray<Diagnostic> AnalyzerDiagnostics, ImmutableArray<Diagnostic> CompilerDiagnostics);

    public static Run Analyze(string[] sources, AnalyzerOptions? options = null, bool runGenerator = true, CancellationToken cancellationToken = default)
    {
        Compilation output = Compilation(sources);
        var generatorDiagnostics = ImmutableArray<Diagnostic>.Empty;
        if (runGenerator)
        {
            var driver = CSharpGeneratorDriver.Create(new[] { new ModelGenerator().AsSourceGenerator() }, parseOptions: ParseOptions);
            driver.RunGeneratorsAndUpdateCompilation(output, out output, out generatorDiagnostics, cancellationToken);
        }

        var withAnalyzers = output.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new ModelAnalyzer()),
            new CompilationWithAnalyzersOptions(options ?? new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
        var all = withAnalyzers.GetAllDiagnosticsAsync(cancellationToken).Result;
        var analyzer = all.Where(d => d.Id.StartsWith("MDSL", StringComparison.Ordinal) || d.Id == "AD0001").ToImmutableArray();
        var compiler = all.Where(d => !d.Id.StartsWith("MDSL", StringComparison.Ordinal) && d.Id != "AD0001").ToImmutableArray();
        return new Run(output, generatorDiagnostics, analyzer, compiler);
    }

    public static Run Analyze(string source) => Analyze(new[] { source });
}
