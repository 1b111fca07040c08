using Microsoft.CodeAnalysis;
using ModelDsl.Analyzers;

namespace ModelDsl.Generators;

// A block that contains itself has no finite shape: shape inference would recurse without end, so a cycle is reported
// on the use inside the block (MDSL0008), and a model using such a block is not built.
internal static class BlockCycles
{
    public static void Check(INamedTypeSymbol block, DiagnosticBag report)
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

    /// <summary>Whether the blocks reached from <paramref name="blocks"/> contain a cycle: one depth-first walk, each block once.</summary>
    public static bool Any(IEnumerable<INamedTypeSymbol> blocks)
    {
        var finished = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var onPath = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var root in blocks)
        {
            if (finished.Contains(root))
            {
                continue;
            }

            // An explicit stack: a chain of a thousand nested blocks must not overflow the generator's.
            var stack = new Stack<(INamedTypeSymbol Block, IEnumerator<INamedTypeSymbol> Next)>();
            onPath.Add(root);
            stack.Push((root, UsesOf(root).GetEnumerator()));
            while (stack.Count > 0)
            {
                var (block, next) = stack.Peek();
                if (!next.MoveNext())
                {
                    stack.Pop();
                    onPath.Remove(block);
                    finished.Add(block);
                    continue;
                }

                var used = next.Current;
                if (onPath.Contains(used))
                {
                    return true;
                }

                if (finished.Contains(used))
                {
                    continue;
                }

                onPath.Add(used);
                stack.Push((used, UsesOf(used).GetEnumerator()));
            }
        }

        return false;
    }

    private static IEnumerable<INamedTypeSymbol> UsesOf(INamedTypeSymbol block) =>
        Members.Of(block).SelectMany(m => m.Attributes).Select(Used).OfType<INamedTypeSymbol>();

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
