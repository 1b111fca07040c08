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
/// AD0001, no generator failure CS8785), every ModelDsl diagnostic points into the source it is about, and a mutant the
/// generator rejects still compiles past its declarations (no CS9248, no error in generated code) and says why with an
/// MDSL error — what a user's <c>dotnet build</c> then prints.
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
        var compilation = CSharpCompilation.Create("Fuzz", new[] { tree, AnalyzerHarness.LayerAlias }, AnalyzerHarness.MetadataReferences, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
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

        // The compiler's view with the generator's output: nothing the generator wrote may stop the build before the
        // analyzers run (CS9248: a partial member left unimplemented) or fail to compile (CS05xx, any error there). CS8103
        // (string constants over the compiler's limit) is an emit error that GetDiagnostics never reports; no mutant here
        // comes near it, and GeneratedLimitTests emits a model that would.
        // A mutant that no longer parses, or has another compiler error in the user's source (a class that is not
        // partial, CS0751; an attribute that does not exist, CS0246), stops at that error, which says what to fix.
        var compiled = withGenerated.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var syntaxError = tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);
        var ownError = syntaxError || compiled.Any(d => d.Location.SourceTree == tree && d.Id != "CS9248");
        foreach (var error in compiled.Where(d => (d.Id == "CS9248" && !ownError) || (!syntaxError && d.Location.SourceTree is { } t && t != tree)))
        {
            counts.AddOrUpdate("generated-code error", 1, (_, n) => n + 1);
            yield return "the generated code does not compile: " + error;
        }

        // A rejected mutant (a completion instead of the class) must say why with an MDSL error: the analyzers' (the
        // parser's findings), or the generator's MDSL0014 on an attribute the compiler cannot bind — a declaration error,
        // after which a real build runs no analyzer. A mutant that no longer parses is outside ModelDsl's reach in a real
        // build: the compiler stops at the syntax error before it runs any generator (measured: `dotnet build` of
        // `[Conv2d(4 Kernel = 3)]` prints CS1003 and nothing else), so the syntax error is what the user sees.
        var rejected = withGenerated.SyntaxTrees.Any(t => t != tree && t.ToString().Contains("ModelDsl could not generate", StringComparison.Ordinal));
        var generatorErrors = generatorDiagnostics.Where(d => d.Id.StartsWith("MDSL", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error).ToList();
        if (rejected)
        {
            counts.AddOrUpdate(syntaxError ? "rejected (syntax error)" : "rejected", 1, (_, n) => n + 1);
            if (!syntaxError && !diagnostics.Concat(generatorErrors).Any(d => d.Id.StartsWith("MDSL", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error))
            {
                yield return "rejected without an MDSL error (the compiler says " + (compiled.FirstOrDefault(d => d.Location.SourceTree == tree)?.ToString() ?? "nothing") + ")";
            }
        }

        // The generator's MDSL0014 points at the attribute, and its MDSL0015 at the unknown argument's name, in this
        // file, as the build prints them.
        foreach (var diagnostic in generatorErrors)
        {
            counts.AddOrUpdate(diagnostic.Id + " (generator)", 1, (_, n) => n + 1);
            var span = diagnostic.Location.GetLineSpan();
            var text = span.Path == tree.FilePath && diagnostic.Location.SourceSpan.End <= source.Length
                ? source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length)
                : null;
            var message = diagnostic.GetMessage();
            var placed = diagnostic.Id switch
            {
                "MDSL0014" => text is not null && text.StartsWith(message.Split(']')[0].TrimStart('['), StringComparison.Ordinal),
                "MDSL0015" => text is not null && message.Contains("has no argument '" + text + "'", StringComparison.Ordinal),
                _ => false,
            };
            if (!placed)
            {
                yield return "a generator diagnostic that is not MDSL0014 on its attribute or MDSL0015 on its argument: " + diagnostic;
            }
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
