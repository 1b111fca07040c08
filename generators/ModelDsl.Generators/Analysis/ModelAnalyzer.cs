using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ModelDsl.Generators;
using ModelDsl.Spec;

namespace ModelDsl.Analyzers;

/// <summary>
/// Reports what is wrong with a <c>[Model]</c> or <c>[Block]</c> class: what the one parser (shared with the generator)
/// found, then, for a model it could build, what the resolved tree shows — the first shape error, the cost, the budgets
/// and the variants' compression. The generator reports nothing itself; it completes every class it recognises, so that
/// these diagnostics reach the build.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ModelAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        DiagnosticDescriptors.All.Where(d => d != DiagnosticDescriptors.AttributeDoesNotCompile && d != DiagnosticDescriptors.UnknownArgument).ToImmutableArray();   // the generator's to report

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(Analyze, SymbolKind.NamedType);
    }

    private static void Analyze(SymbolAnalysisContext context)
    {
        if (context.Symbol is not INamedTypeSymbol type)
        {
            return;
        }

        var report = new Reporter(context.Compilation, context.ReportDiagnostic, context.CancellationToken);
        if (Symbols.Find(type, "ModelAttribute") is { } model)
        {
            var parsed = ModelParser.Parse(type, model, context.CancellationToken);
            foreach (var diagnostic in parsed.Diagnostics)
            {
                report.Report(diagnostic);
            }

            if (parsed.Target is { } target)
            {
                ModelChecks.Run(type, model, target, report);
            }
        }
        else
        {
            var parsed = Symbols.Find(type, "BlockAttribute") is not null
                ? BlockParser.Parse(type, new List<INamedTypeSymbol>(), context.CancellationToken).Diagnostics
                : OrphanParser.Parse(type, context.CancellationToken)?.Diagnostics ?? EquatableArray<DiagnosticInfo>.Empty;
            foreach (var diagnostic in parsed)
            {
                report.Report(diagnostic);
            }
        }
    }
}
