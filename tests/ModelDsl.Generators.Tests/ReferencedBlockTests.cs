using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelDsl.Generators.Tests;

/// <summary>A block compiled into a referenced assembly (a zoo's BasicBlock) is used like one declared in the project.</summary>
public class ReferencedBlockTests
{
    [Fact]
    public void AModelUsesABlockFromAReferencedAssembly()
    {
        // Build the block's library as its own project would: generator run, emitted to an assembly image.
        var library = GeneratorHarness.Compilation(Sources.BasicBlock).WithAssemblyName("Blocks");
        GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(library, out var built, out _);
        using var image = new MemoryStream();
        var emitted = built.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));

        var model = GeneratorHarness.Compilation("""
            using ModelDsl;
            namespace App;
            /// <summary>M.</summary>
            [Model(InputShape = [3, 16, 16])]
            public partial class M
            {
                /// <summary>Stem.</summary>
                [Conv2d(8, Kernel = 3, Padding = 1), BatchNorm2d, ReLU] public partial Layer Stem { get; }
                /// <summary>The referenced block, with a projection.</summary>
                [Stage(typeof(Demo.BasicBlock), "planes = 16", "stride = 2")] public partial Layer Layer1 { get; }
            }
            """).WithReferences(GeneratorHarness.Compilation().References.Append(MetadataReference.CreateFromImage(image.ToArray())));
        GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(model, out var output, out _);

        var source = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("App.M.g.cs", StringComparison.Ordinal)).ToString();
        Assert.Contains("new global::Demo.BasicBlock(", source, StringComparison.Ordinal);
        Assert.Contains("public const long TotalMacs", source, StringComparison.Ordinal);
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
    }
}
