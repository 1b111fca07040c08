using Microsoft.CodeAnalysis;
using ModelDsl.Generators;
using ModelDsl.Spec;

namespace ModelDsl.Analyzers;

// A block that contains itself has no finite shape: shape inference would recurse without end, so a cycle is
// reported on the block (MDSL0008) and a model whose spec contains one is not inferred.
internal static class BlockCycles
{
    public static void Check(INamedTypeSymbol block, Reporter report)
    {
        foreach (var (_, attributes) in Members.Of(block))
        {
            foreach (var attribute in attributes)
            {
                if (Used(attribute) is { } used && (SymbolEqualityComparer.Default.Equals(used, block) || Reaches(used, block, new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default))))
                {
                    report.Report(DiagnosticDescriptors.RecursiveBlock, Syntax.Positional(attribute, 0, report.CancellationToken), block.Name, used.Name);
                }
            }
        }
    }

    /// <summary>True when a block of <paramref name="spec"/> reaches itself through Block/Stage nodes.</summary>
    public static bool HasCycle(ModelSpec spec)
    {
        var uses = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var block in spec.Blocks)
        {
            uses[block.Name] = BlocksIn(block.Layers).ToList();
        }

        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        return uses.Keys.Any(name => Visit(name, uses, state));
    }

    private static bool Visit(string name, Dictionary<string, List<string>> uses, Dictionary<string, int> state)
    {
        // 1 = on the current path, 2 = finished.
        if (state.TryGetValue(name, out var mark))
        {
            return mark == 1;
        }

        state[name] = 1;
        if (uses.TryGetValue(name, out var next) && next.Any(n => Visit(n, uses, state)))
        {
            return true;
        }

        state[name] = 2;
        return false;
    }

    private static IEnumerable<string> BlocksIn(IEnumerable<LayerSpec> layers)
    {
        foreach (var layer in layers)
        {
            if (layer.Kind is LayerKind.Block or LayerKind.Stage && layer.GetArg("block") is { } name)
            {
                yield return name;
            }

            foreach (var inner in BlocksIn(layer.Children))
            {
                yield return inner;
            }
        }
    }

    private static INamedTypeSymbol? Used(AttributeData attribute) =>
        (Symbols.Is(attribute.AttributeClass, "BlockAttribute") || Symbols.Is(attribute.AttributeClass, "StageAttribute")) &&
        attribute.ConstructorArguments.Length == 2 && attribute.ConstructorArguments[0].Value is INamedTypeSymbol type ? type : null;

    private static bool Reaches(INamedTypeSymbol from, INamedTypeSymbol target, HashSet<INamedTypeSymbol> seen)
    {
        if (!seen.Add(from))
        {
            return false;
        }

        foreach (var (_, attributes) in Members.Of(from))
        {
            foreach (var attribute in attributes)
            {
                if (Used(attribute) is { } used && (SymbolEqualityComparer.Default.Equals(used, target) || Reaches(used, target, seen)))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
