using System.Reflection;
using Microsoft.CodeAnalysis;

namespace ModelDsl.Generators.Tests;

/// <summary>What flows between pipeline steps is plain data: no Roslyn type is reachable from it, so caching compares values.</summary>
public class PipelineRecordTests
{
    [Theory]
    [InlineData(typeof(ModelTarget))]
    [InlineData(typeof(BlockTarget))]
    [InlineData(typeof(GeneratedSource))]
    public void NoRoslynTypeIsReachable(Type root)
    {
        var seen = new HashSet<Type>();
        var pending = new Queue<Type>([root]);
        while (pending.TryDequeue(out var type))
        {
            if (!seen.Add(type) || type.IsPrimitive || type == typeof(string) || type.IsEnum)
            {
                continue;
            }

            Assert.False(type.Assembly == typeof(ISymbol).Assembly || type.Assembly == typeof(Microsoft.CodeAnalysis.CSharp.CSharpCompilation).Assembly, root.Name + " reaches the Roslyn type " + type);
            foreach (var argument in type.GetGenericArguments())
            {
                pending.Enqueue(argument);
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
            {
                pending.Enqueue(property.PropertyType);
            }
        }

        // The walk did reach into the spec (a walk that stopped early would prove nothing).
        if (root != typeof(GeneratedSource))
        {
            Assert.Contains(typeof(ModelDsl.Spec.LayerSpec), seen);
        }
    }

    [Fact]
    public void GenerationIsDeterministic()
    {
        // Two independent runs over the same text give byte-identical files.
        var first = GeneratorHarness.Generate(Sources.SmallResNet, Sources.BasicBlock).Sources;
        var second = GeneratorHarness.Generate(Sources.SmallResNet, Sources.BasicBlock).Sources;

        Assert.Equal(first.OrderBy(p => p.Key, StringComparer.Ordinal), second.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.DoesNotContain('\r', string.Concat(first.Values));
    }
}
