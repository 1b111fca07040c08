using System.Reflection;
using System.Runtime.Versioning;

namespace ModelDsl.Spec.Tests;

// The spec library is linked into the generator, the analyzers and the runtime: it must not drag Roslyn along.
public class AssemblyDependencyTests
{
    private static readonly Assembly SpecAssembly = typeof(ModelSpec).Assembly;

    [Fact]
    public void ReferencesNoCodeAnalysisAssembly()
    {
        var references = SpecAssembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToList();
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
        Assert.All(references, name => Assert.True(name == "netstandard" || name.StartsWith("System", StringComparison.Ordinal), name));
    }

    [Fact]
    public void NoTypeMentionsCodeAnalysis()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in SpecAssembly.GetTypes())
        {
            var mentioned = new List<Type?> { type.BaseType };
            mentioned.AddRange(type.GetInterfaces());
            mentioned.AddRange(type.GetFields(all).Select(f => f.FieldType));
            mentioned.AddRange(type.GetProperties(all).Select(p => p.PropertyType));
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                mentioned.AddRange(method.GetParameters().Select(p => p.ParameterType));
                if (method is MethodInfo info)
                {
                    mentioned.Add(info.ReturnType);
                }
            }

            foreach (var other in mentioned.Where(t => t is not null).SelectMany(t => Flatten(t!)))
            {
                Assert.False(
                    (other.Namespace ?? string.Empty).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal),
                    $"{type.FullName} mentions {other.FullName}");
            }
        }
    }

    [Fact]
    public void TargetsNetStandard20()
    {
        var framework = SpecAssembly.GetCustomAttribute<TargetFrameworkAttribute>();
        Assert.Equal(".NETStandard,Version=v2.0", framework?.FrameworkName);
    }

    private static IEnumerable<Type> Flatten(Type type)
    {
        yield return type;
        if (type.HasElementType)
        {
            foreach (var inner in Flatten(type.GetElementType()!))
            {
                yield return inner;
            }
        }

        if (type.IsGenericType)
        {
            foreach (var inner in type.GetGenericArguments().SelectMany(Flatten))
            {
                yield return inner;
            }
        }
    }
}
