using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using ModelDsl.Analyzers;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// The first (and only Roslyn-aware) transform of the model pipeline, and the one validator of a model's declaration:
// a [Model] class to a ModelTarget and every diagnostic about it. The generator and the analyzers both call this.
internal static class ModelParser
{
    public static ParseResult<ModelTarget>? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        context.TargetSymbol is INamedTypeSymbol type && context.Attributes.Length == 1 ? Parse(type, context.Attributes[0], cancellationToken) : null;

    /// <summary>The model declared by <paramref name="model"/> on <paramref name="type"/>, and what is wrong with it.</summary>
    public static ParseResult<ModelTarget> Parse(INamedTypeSymbol type, AttributeData model, CancellationToken cancellationToken)
    {
        var report = new DiagnosticBag(cancellationToken);
        if (!Symbols.IsGeneratable(type, cancellationToken))
        {
            report.Report(DiagnosticDescriptors.ClassNotPartial, Syntax.ClassName(type, cancellationToken), type.Name);
        }

        foreach (var extra in type.GetAttributes().Where(a => Symbols.Is(a.AttributeClass, "BlockAttribute")))
        {
            report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Location(extra, cancellationToken), "Block", "Block", "a class is a [Model] or a [Block], not both");
        }

        var blocksUsed = new List<INamedTypeSymbol>();
        var scope = new HashSet<string>(StringComparer.Ordinal) { "in_channels" };
        var members = MemberParser.ParseAll(type, scope, MemberParser.ModelOwner, blocksUsed, report);
        var declared = Members.Of(type).Count;
        foreach (var (property, _) in Members.Of(type).Where(m => GeneratedMemberNames.OnModels.Contains(m.Property.Name)))
        {
            report.Report(
                DiagnosticDescriptors.LayerMemberForm,
                Syntax.PropertyName(property),
                property.Name,
                "has the name of a member the generator writes on every model (the cost constants, InputShape, OutputShape, CostTable, Summary(), ExportOnnx …); rename it");
        }

        if (declared == 0)
        {
            report.Report(DiagnosticDescriptors.NoLayers, Syntax.ClassName(type, cancellationToken), type.Name);
        }

        // Only blocks have residuals: on a model one would be dropped without a word.
        foreach (var residual in type.GetAttributes().Where(a => Symbols.Is(a.AttributeClass, "ResidualAttribute")))
        {
            report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Location(residual, cancellationToken), "Residual", "Residual", "a residual belongs on a [Block] class; use the block in the model");
        }

        var (input, format) = InputParser.Parse(type, model, report);
        var budget = BudgetParser.Parse(type, report);
        var variants = VariantParser.Parse(type, report);
        var completion = Completion.Of(type, cancellationToken);

        // A malformed block is reported where it is declared; the model that uses it is not built. A block from a
        // referenced assembly has no declaration here to report on, so what is wrong with it is reported on the model.
        string? compiledFailure = null;
        var blocks = report.HasErrors ? null : Blocks(blocksUsed, cancellationToken, out compiledFailure);
        if (compiledFailure is { } failure)
        {
            report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.ClassName(type, cancellationToken), "Block", "Block", failure);
        }
        if (report.HasErrors || blocks is null || input is null || members.Count != declared)
        {
            return new ParseResult<ModelTarget>(null, report.ToArray(), completion);
        }

        var spec = new ModelSpec(
            type.Name,
            input,
            members.Select(m => m.Layer).ToEquatableArray(),
            blocks.Select(b => b.Spec).ToEquatableArray(),
            budget == BudgetSpec.None ? null : budget,
            variants.ToEquatableArray());
        var accessibility = type.DeclaredAccessibility == Accessibility.Public ? "public" : "internal";
        var target = new ModelTarget(Symbols.NamespaceOf(type), type.Name, spec, members.ToEquatableArray(), blocks.ToEquatableArray(), format, accessibility);
        return new ParseResult<ModelTarget>(target, report.ToArray(), completion);
    }

    // A block's parse as another block or a model uses it, once per compilation: every block carries the blocks it
    // reaches (its constructor calls theirs), so without this a chain of n nested blocks would parse each n times. Keyed
    // by the block's assembly symbol, which is the compilation's own for a block declared in source (and gone with it).
    private static readonly ConditionalWeakTable<IAssemblySymbol, ConcurrentDictionary<INamedTypeSymbol, (ParseResult<BlockTarget> Parsed, INamedTypeSymbol[] Uses)>> NestedParses = new();

    private static ParseResult<BlockTarget> ParseNested(INamedTypeSymbol block, List<INamedTypeSymbol> pending, CancellationToken cancellationToken)
    {
        var cache = NestedParses.GetValue(block.ContainingAssembly, static _ => new(SymbolEqualityComparer.Default));
        if (!cache.TryGetValue(block, out var entry))
        {
            var uses = new List<INamedTypeSymbol>();
            entry = (BlockParser.Parse(block, uses, cancellationToken, checkCycles: false), uses.ToArray());
            cache.TryAdd(block, entry);
        }

        pending.AddRange(entry.Uses);
        return entry.Parsed;
    }

    // Every block reachable from the model, each once, in first-use order; null when one is malformed (with why, for a
    // block compiled into another assembly, whose own diagnostics nobody reports here).
    internal static List<BlockTarget>? Blocks(List<INamedTypeSymbol> pending, CancellationToken cancellationToken, out string? compiledFailure)
    {
        compiledFailure = null;
        var seen = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var blocks = new List<BlockTarget>();
        for (var i = 0; i < pending.Count; i++)
        {
            if (!seen.Add(pending[i]))
            {
                continue;
            }

            var parsed = ParseNested(pending[i], pending, cancellationToken);
            if (parsed.Target is not { } block)
            {
                if (pending[i].Locations.All(l => l.IsInMetadata))
                {
                    var first = parsed.Diagnostics.Count == 0 ? "it is not a block ModelDsl can read" : ShapeDiagnostics.Line(DiagnosticDescriptors.ById(parsed.Diagnostics[0].Id), parsed.Diagnostics[0].Arguments.ToArray<object>());
                    compiledFailure = "block " + pending[i].Name + " from " + pending[i].ContainingAssembly.Name + " cannot be used: " + first;
                }

                return null;
            }

            blocks.Add(block);
        }

        // One walk over the graph of every block reached, instead of one per block: a block in a cycle has no finite
        // shape (its own parse reports MDSL0008 where it is declared).
        if (BlockCycles.Any(pending))
        {
            if (pending.FirstOrDefault(b => b.Locations.All(l => l.IsInMetadata)) is { } compiled)
            {
                compiledFailure = "block " + compiled.Name + " from " + compiled.ContainingAssembly.Name + " cannot be used: a block it reaches uses itself";
            }

            return null;
        }

        return blocks;
    }
}
