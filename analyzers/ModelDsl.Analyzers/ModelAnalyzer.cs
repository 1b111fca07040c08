using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ModelDsl.Generators;

namespace ModelDsl.Analyzers;

/// <summary>
/// Reports what is wrong with a <c>[Model]</c> or <c>[Block]</c> class: declaration errors first; then, for a model
/// that the generator's parser accepts, the first shape error, the budgets, the cost and the variants' compression.
/// Everything after the declaration checks reads the same spec the generator builds, through the shared library.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ModelAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = DiagnosticDescriptors.All.ToImmutableArray();

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

        var model = Symbols.Find(type, "ModelAttribute");
        var block = Symbols.Find(type, "BlockAttribute");
        if (model is null && block is null)
        {
            return;
        }

        var report = new Reporter(context.ReportDiagnostic, context.CancellationToken);
        DeclarationChecks.Run(type, model, block, report);
        if (model is null || report.HasErrors)
        {
            return;
        }

        var target = ModelParser.Parse(type, model, context.CancellationToken);
        if (target is not null)
        {
            ModelChecks.Run(type, model, target, report);
        }
    }
}
