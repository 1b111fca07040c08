using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ModelDsl.Generators;
using Xunit.Abstractions;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// Thousands of seeded mutations of valid declarations through the generator and the analyzers: nothing throws (no
/// AD0001, no generator failure CS8785), and every ModelDsl diagnostic points into the source it is about.
/// </summary>
public class RobustnessTests(ITestOutputHelper output)
{
    private const int Mutations = 2400;

    [Fact]
    public void SeedsAreValid()
    {
        foreach (var seed in Seeds.All)
        {
            var run = AnalyzerHarness.Analyze(seed);
            var errors = run.AnalyzerDiagnostics.Concat(run.CompilerDiagnostics).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));
        }
    }

    [Fact]
    public void MutatedDeclarationsNeverCrashAndStayInTheSource()
    {
        var failures = new ConcurrentBag<string>();
        var counts = new ConcurrentDictionary<string, int>();
        Parallel.For(0, Mutations, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var mutator = new Mutator(i);
            var source = mutator.Mutate(Seeds.All[i % Seeds.All.Length]);
            try
            {
                foreach (var problem in Check(source, counts))
                {
                    failures.Add("mutation " + i + ": " + problem + "\n" + source);
                }
            }
            catch (Exception e)
            {
                failures.Add("mutation " + i + ": " + e + "\n" + source);
            }
        });

        output.WriteLine(string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key + " × " + c.Value)));
        Assert.True(failures.IsEmpty, string.Join("\n\n", failures.Take(5)));

        // The mutations reach the analyzers' checks, not just the parser's first rejection.
        Assert.True(counts.Keys.Count(k => k.StartsWith("MDSL", StringComparison.Ordinal)) >= 12, string.Join(", ", counts.Keys));
    }

    private static IEnumerable<string> Check(string source, ConcurrentDictionary<string, int> counts)
    {
        var tree = CSharpSyntaxTree.ParseText(source, AnalyzerHarness.ParseOptions, path: "Input0.cs");
        var compilation = CSharpCompilation.Create("Fuzz", new[] { tree }, AnalyzerHarness.MetadataReferences, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var driver = CSharpGeneratorDriver.Create(new[] { new ModelGenerator().AsSourceGenerator() }, parseOptions: AnalyzerHarness.ParseOptions);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var withGenerated, out var generatorDiagnostics);
        foreach (var failure in generatorDiagnostics.Where(d => d.Id is "CS8784" or "CS8785"))
        {
            yield return failure.ToString();
        }

        var exceptions = new ConcurrentBag<Exception>();
        var analyzers = withGenerated.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new ModelAnalyzer()),
            new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), (e, _, _) => exceptions.Add(e), concurrentAnalysis: false, logAnalyzerExecutionTime: false));
        var diagnostics = analyzers.GetAnalyzerDiagnosticsAsync().Result;
        foreach (var exception in exceptions)
        {
            yield return exception.ToString();
        }

        foreach (var diagnostic in diagnostics)
        {
            counts.AddOrUpdate(diagnostic.Id, 1, (_, n) => n + 1);
            if (diagnostic.Id == "AD0001")
            {
                yield return diagnostic.ToString();
            }
            else if (!diagnostic.Location.IsInSource || diagnostic.Location.SourceTree != tree || diagnostic.Location.SourceSpan.End > source.Length)
            {
                yield return "outside the source: " + diagnostic;
            }
        }
    }
}
