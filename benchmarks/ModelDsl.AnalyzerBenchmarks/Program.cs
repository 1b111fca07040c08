using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ModelDsl;
using ModelDsl.AnalyzerBenchmarks;
using ModelDsl.Analyzers;

// Analyzer execution time as the compiler measures it (CompilationWithAnalyzers telemetry: our analyzer's own time,
// not the compiler's binding), on a fresh compilation each run, after warm-up; median and maximum of the runs.
var layers = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
var source = LargeModel.Source(layers);
var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
    .Append(typeof(LayerBase).Assembly.Location).Append(typeof(TorchSharp.torch).Assembly.Location).Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
var parse = new CSharpParseOptions(LanguageVersion.Preview);

// What ModelDsl's build targets give a user's project: Layer, TorchSharp's Module<Tensor, Tensor>.
var alias = CSharpSyntaxTree.ParseText("global using Layer = global::TorchSharp.torch.nn.Module<global::TorchSharp.torch.Tensor, global::TorchSharp.torch.Tensor>;", parse);

(TimeSpan Analyzer, TimeSpan Wall, int Diagnostics) Run()
{
    var compilation = CSharpCompilation.Create("Bench", new[] { CSharpSyntaxTree.ParseText(source, parse), alias }, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
    var analyzer = new ModelAnalyzer();
    var withAnalyzers = compilation.WithAnalyzers(
        ImmutableArray.Create<DiagnosticAnalyzer>(analyzer),
        new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
    var wall = Stopwatch.StartNew();
    var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().Result;
    wall.Stop();
    var telemetry = withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).Result;
    return (telemetry.ExecutionTime, wall.Elapsed, diagnostics.Length);
}

for (var i = 0; i < 5; i++)
{
    Run();
}

var results = Enumerable.Range(0, runs).Select(_ => Run()).ToList();
var analyzerTimes = results.Select(r => r.Analyzer.TotalMilliseconds).OrderBy(t => t).ToList();
var wallTimes = results.Select(r => r.Wall.TotalMilliseconds).OrderBy(t => t).ToList();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{layers} layers, {runs} runs, {results[0].Diagnostics} diagnostics: analyzer median {analyzerTimes[runs / 2]:0.0} ms (max {analyzerTimes[^1]:0.0} ms); " +
    $"GetAnalyzerDiagnosticsAsync wall median {wallTimes[runs / 2]:0.0} ms (includes binding the compilation)"));
