using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

/// <summary>
/// Generates the implementation of every <c>[Model]</c> and <c>[Block]</c> partial class: construction with
/// PyTorch-compatible state-dict names, <c>Forward</c>, and (for models) the compile-time cost as constants, a per-layer
/// table and a <c>Summary()</c>. A class it cannot build still gets a completion (its layer properties, throwing), so
/// that the compiler reaches the analyzers, which report what is wrong from the same parser.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ModelGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for incremental-caching tests.</summary>
    public static class Steps
    {
        /// <summary>Model classes parsed into value-equatable targets (the only step that sees Roslyn symbols).</summary>
        public const string Models = nameof(Models);

        /// <summary>Generated model sources.</summary>
        public const string ModelSources = nameof(ModelSources);

        /// <summary>Generated variant classes.</summary>
        public const string VariantSources = nameof(VariantSources);

        /// <summary>Block classes parsed into value-equatable targets.</summary>
        public const string Blocks = nameof(Blocks);

        /// <summary>Generated block sources.</summary>
        public const string BlockSources = nameof(BlockSources);

        /// <summary>Classes with layer members but neither [Model] nor [Block], to be completed.</summary>
        public const string Orphans = nameof(Orphans);
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Only what the source depends on crosses into the cached steps: the target, or the completion and why it is
        // needed. The diagnostics (with their locations) are the analyzers' to report, from the same parser — except
        // MDSL0014 on an attribute the compiler cannot bind, which stops the build before any analyzer runs.
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName("ModelDsl.ModelAttribute", static (node, _) => node is ClassDeclarationSyntax, static (c, ct) => Guard(() => ModelInput(c, ModelParser.Parse(c, ct), ct)))
            .WithTrackingName(Steps.Models);
        var modelSources = models
            .Select(static (input, _) => input is null ? null : Guard(() => EmitModel(input)))
            .WithTrackingName(Steps.ModelSources);
        context.RegisterSourceOutput(modelSources, static (spc, source) => Add(spc, source));
        context.RegisterSourceOutput(models.Select(static (input, _) => input?.Unbound ?? EquatableArray<DiagnosticInfo>.Empty), Report);

        // Each structured-pruning variant is a class of its own, emitted beside its model.
        var variantSources = models
            .Select(static (input, _) => input?.Target is { } model ? Guard(() => new VariantSources(VariantEmitter.Emit(model).ToEquatableArray())) : null)
            .WithTrackingName(Steps.VariantSources);
        context.RegisterSourceOutput(variantSources, static (spc, sources) =>
        {
            foreach (var source in sources?.Sources ?? EquatableArray<GeneratedSource>.Empty)
            {
                Add(spc, source);
            }
        });

        var blocks = context.SyntaxProvider
            .ForAttributeWithMetadataName("ModelDsl.BlockAttribute", static (node, _) => node is ClassDeclarationSyntax, static (c, ct) => Guard(() => BlockInput(c, ct)))
            .WithTrackingName(Steps.Blocks);
        var blockSources = blocks
            .Select(static (input, _) => input is null ? null : Guard(() => input.Target is { } block ? BlockEmitter.Emit(block) : Complete(input.Completion, input.Problem)))
            .WithTrackingName(Steps.BlockSources);
        context.RegisterSourceOutput(blockSources, static (spc, source) => Add(spc, source));
        context.RegisterSourceOutput(blocks.Select(static (input, _) => input?.Unbound ?? EquatableArray<DiagnosticInfo>.Empty), Report);

        // A class whose layer members have lost their [Model]/[Block]: completed too, so the build reaches MDSL0002.
        var orphans = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is PropertyDeclarationSyntax { AttributeLists.Count: > 0 } property && property.Modifiers.Any(m => m.ValueText == "partial"),
                static (c, ct) => Guard(() => c.SemanticModel.GetDeclaredSymbol(c.Node, ct) is IPropertySymbol { ContainingType: { } type } && OrphanParser.Parse(type, ct) is { } parsed
                    ? new GeneratorInput<ModelTarget>(null, parsed.Completion, Problem(parsed.Diagnostics))
                    : null))
            .Where(static input => input?.Completion is not null)
            .Collect()
            .SelectMany(static (inputs, _) => inputs.Distinct())
            .WithTrackingName(Steps.Orphans);
        context.RegisterSourceOutput(orphans, static (spc, input) => Add(spc, Guard(() => Complete(input!.Completion, input.Problem))));
    }

    private static GeneratorInput<ModelTarget>? ModelInput(GeneratorAttributeSyntaxContext context, ParseResult<ModelTarget>? parsed, CancellationToken cancellationToken) =>
        parsed is null ? null : new GeneratorInput<ModelTarget>(parsed.Target, parsed.Completion, Problem(parsed.Diagnostics))
        {
            Unbound = context.TargetSymbol is INamedTypeSymbol type ? UnboundAttributes.Of(type, "model", generated: parsed.Target is not null, cancellationToken) : EquatableArray<DiagnosticInfo>.Empty,
        };

    private static GeneratorInput<BlockTarget>? BlockInput(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type)
        {
            return null;
        }

        var used = new List<INamedTypeSymbol>();
        var parsed = BlockParser.Parse(type, used, cancellationToken);

        // The blocks it uses, so that its own constructor can call theirs (InvertedResidual builds its ConvBnReLU6s).
        var target = parsed.Target is { } block && used.Count > 0 && ModelParser.Blocks(used, cancellationToken, out _) is { } nested
            ? block with { Uses = nested.Where(b => b.Spec.Name != block.Spec.Name).ToEquatableArray() }
            : parsed.Target;
        return new GeneratorInput<BlockTarget>(target, parsed.Completion, Problem(parsed.Diagnostics))
        {
            Unbound = UnboundAttributes.Of(type, "block", generated: parsed.Target is not null, cancellationToken),
        };
    }

    // A model the parser accepted can still fail inference (a shape error, a cost beyond 64 bits): it is completed too.
    private static GeneratedSource? EmitModel(GeneratorInput<ModelTarget> input)
    {
        if (input.Target is { } model)
        {
            var (source, problem) = ModelEmitter.Emit(model);
            return source ?? Complete(input.Completion, problem ?? string.Empty);
        }

        return Complete(input.Completion, input.Problem);
    }

    private static GeneratedSource? Complete(ClassCompletion? completion, string problem) =>
        completion is null || completion.Properties.Count == 0 ? null : CompletionEmitter.Emit(completion, problem);

    // The first diagnostic as one line for the completion's exception; a model using a malformed block has none of its own.
    private static string Problem(EquatableArray<DiagnosticInfo> diagnostics)
    {
        if (diagnostics.Count == 0)
        {
            return "a block it uses has errors (see the MDSL diagnostics on that block)";
        }

        var first = diagnostics[0];
        return ShapeDiagnostics.Line(Analyzers.DiagnosticDescriptors.ById(first.Id), first.Arguments.ToArray<object>()) +
            (diagnostics.Count > 1 ? " (and " + (diagnostics.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + " more)" : string.Empty);
    }

    // A location as plain values again, without the syntax tree (the compilation it belongs to is not at hand here):
    // path, span and lines are what the build prints.
    private static void Report(SourceProductionContext context, EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            var location = diagnostic.Location is { } at
                ? Location.Create(at.FilePath, new TextSpan(at.Start, at.Length), new LinePositionSpan(new LinePosition(at.StartLine, at.StartColumn), new LinePosition(at.EndLine, at.EndColumn)))
                : Location.None;
            context.ReportDiagnostic(Diagnostic.Create(Analyzers.DiagnosticDescriptors.ById(diagnostic.Id), location, diagnostic.Arguments.ToArray<object?>()));
        }
    }

    private static void Add(SourceProductionContext context, GeneratedSource? source)
    {
        if (source is not null)
        {
            context.AddSource(source.HintName, source.Text);
        }
    }

    // The generator must never fail the build on malformed input: a bug in a parser or emitter costs one class's
    // source, not the compilation. Cancellation still propagates.
    private static T? Guard<T>(Func<T?> step)
        where T : class
    {
        try
        {
            return step();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }
}
