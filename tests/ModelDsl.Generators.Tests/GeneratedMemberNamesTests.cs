using Microsoft.CodeAnalysis;

namespace ModelDsl.Generators.Tests;

/// <summary>
/// The layer names the parser refuses (MDSL0002) are exactly the members the generator writes on a model beside its
/// layers: a member added to the emitters without its name here would let a layer of that name break the build in the
/// generated file.
/// </summary>
public class GeneratedMemberNamesTests
{
    [Fact]
    public void TheRefusedNamesAreTheMembersTheGeneratorWritesOnAModel()
    {
        // Every optional member is there: a convolution (ONNX, folding pairs) and narrowable widths (the load-time fit).
        var run = GeneratorHarness.Generate("""
            using ModelDsl;
            namespace Demo;
            [Model(InputShape = [1, 8, 8])]
            public partial class Net
            {
                [Conv2d(4, Kernel = 3, Padding = 1), BatchNorm2d, ReLU] public partial Layer Stem { get; }
                [Flatten, Linear(8), ReLU, Linear(2)] public partial Layer Head { get; }
            }
            """);

        var type = run.Output.GetTypeByMetadataName("Demo.Net")!;
        var written = type.GetMembers()
            .Where(m => !m.IsImplicitlyDeclared && m is not IMethodSymbol { MethodKind: not MethodKind.Ordinary })
            .Where(m => m.Locations.Any(l => l.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true))
            .Select(m => m.Name)
            .Except(["Stem", "Head", "forward", "RegisterComponents"])
            .Distinct()
            .Order(StringComparer.Ordinal);
        Assert.Equal(GeneratedMemberNames.OnModels.Order(StringComparer.Ordinal), written);
    }
}
