using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ModelDsl.Generators;

/// <summary>
/// Generates the implementation of every <c>[Model]</c> and <c>[Block]</c> partial class: construction with
/// PyTorch-compatible state-dict names, <c>Forward</c>, and (for models) the compile-time cost as constants, a per-layer
/// table and a <c>Summary()</c>. Malformed declarations produce no source; the analyzers report them.
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

        /// <summary>Block classes parsed into value-equatable targets.</summary>
        public const string Blocks = nameof(Blocks);

        /// <summary>Generated block sources.</summary>
        public const string BlockSources = nameof(BlockSources);
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName("ModelDsl.ModelAttribute", static (node, _) => node is ClassDeclarationSyntax, static (c, ct) => Guard(() => ModelParser.Parse(c, ct)))
            .WithTrackingName(Steps.Models);
        var modelSources = models
            .Select(static (model, _) => model is null ? null : Guard(() => ModelEmitter.Emit(model)))
            .WithTrackingName(Steps.ModelSources);
        context.RegisterSourceOutput(modelSources, static (spc, source) => Add(spc, source));

        var blocks = context.SyntaxProvider
            .ForAttributeWithMetadataName("ModelDsl.BlockAttribute", static (node, _) => node is ClassDeclarationSyntax, static (c, ct) => Guard(() => ParseBlock(c, ct)))
            .WithTrackingName(Steps.Blocks);
        var blockSources = blocks
            .Select(static (block, _) => block is null ? null : Guard(() => BlockEmitter.Emit(block)))
            .WithTrackingName(Steps.BlockSources);
        context.RegisterSourceOutput(blockSources, static (spc, source) => Add(spc, source));
    }

    private static BlockTarget? ParseBlock(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        context.TargetSymbol is INamedTypeSymbol type ? BlockParser.Parse(type, new List<INamedTypeSymbol>(), cancellationToken) : null;

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
