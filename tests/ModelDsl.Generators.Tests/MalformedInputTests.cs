namespace ModelDsl.Generators.Tests;

/// <summary>
/// Malformed declarations never make the generator throw, and never leave the user with only the compiler's
/// "partial member must have an implementation" (CS9248): every class C# lets the generator complete gets a completion
/// whose members throw, so the build reaches the MDSL diagnostics. Only a class that is not partial gets nothing (C#
/// would reject any completion; its own error, CS0751, says what to do).
/// </summary>
public class MalformedInputTests
{
    [Theory]
    [InlineData("[Model(InputShape = [8])] public partial class M { [Conv2d(10, Kernel = 3)] public partial Layer A { get; } }")] // Conv2d on a vector: shape error
    [InlineData("[Model(InputShape = [8])] public partial class M { [Linear(\"width\")] public partial Layer A { get; } }")] // unknown name
    [InlineData("[Model(InputShape = [8])] public partial class M { [Linear(2.5)] public partial Layer A { get; } }")] // not an integer
    [InlineData("[Model(InputShape = [8])] public partial class M { [Linear(10)] public partial int A { get; } }")] // not a Layer
    [InlineData("[Model(InputShape = [8])] public partial class M { [Linear(UnknownConstant)] public partial Layer A { get; } }")] // does not bind
    [InlineData("[Model(InputShape = [8])] public partial class M { [Stage(typeof(string), \"x = 1\")] public partial Layer A { get; } }")] // not a block
    [InlineData("[Model(InputShape = [8])] public partial class M { [Block(typeof(B), \"nonsense\")] public partial Layer A { get; } } [Block(\"width\")] public partial class B { [Linear(\"width\")] public partial Layer L { get; } }")]
    [InlineData("[Model(InputShape = [8])] public partial class M { [Block(typeof(B))] public partial Layer A { get; } } [Block(\"width\")] [Residual(Through = \"Nope\")] public partial class B { [Linear(8)] public partial Layer L { get; } }")]
    [InlineData("[Model] public partial class M { [Linear(10)] public partial Layer A { get; } }")] // no input
    [InlineData("[Model(InputShape = [8])] public partial class M { [Linear(10), Stage(typeof(M))] public partial Layer A { get; } }")] // stage mixed with a layer
    [InlineData("[Model(InputShape = [8])] public partial class M { [Linear(10)] public static partial Layer A { get; } }")] // static
    [InlineData("[Model(InputShape = [0, 32, 32])] public partial class M { [Conv2d(8)] public partial Layer A { get; } }")] // zero size
    [InlineData("[Model(InputShape = [])] public partial class M { [Linear(8)] public partial Layer A { get; } }")] // no dimensions
    [InlineData("[Model(InputShape = [8])] public partial class M { [Linear(4, Name = \"a.b\")] public partial Layer A { get; } }")] // not a state-dict segment
    [InlineData("[Model(InputShape = [8])] public partial class M { [Linear(4)] public partial Layer FooBar { get; } [Linear(4)] public partial Layer Foo_Bar { get; } }")] // same state-dict name
    [InlineData("public partial class Outer { [Model(InputShape = [8])] public partial class M { [Linear(10)] public partial Layer A { get; } } }")] // nested
    public void CompletesTheClassWithoutExceptionOrDeclarationError(string declaration)
    {
        var run = GeneratorHarness.Generate("using ModelDsl;\nnamespace Demo;\n" + declaration);

        var result = run.Result.Results.Single();
        Assert.Null(result.Exception);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id != "MDSL0014");   // the analyzers report the rest
        Assert.Equal(declaration.Contains("UnknownConstant", StringComparison.Ordinal) ? 1 : 0, run.GeneratorDiagnostics.Length);
        var completion = Assert.Single(run.Sources, s => s.Key is "Demo.M.g.cs" or "Demo.Outer.M.g.cs").Value;
        Assert.Contains("ModelDsl could not generate", completion, StringComparison.Ordinal);
        Assert.DoesNotContain("TotalMacs", completion, StringComparison.Ordinal);

        var errors = run.Output.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        Assert.DoesNotContain(errors, d => d.Id is "CS9248" or "CS8795");
        Assert.DoesNotContain(errors, d => d.Location.SourceTree is { } tree && tree.FilePath.EndsWith(".g.cs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[Model(InputShape = [8])] public class M { [Linear(10)] public partial Layer A { get; } }", "CS0751")] // class not partial: C# says so
    [InlineData("[Model(InputShape = [8])] public partial class M { }", null)] // no layers: nothing to complete, nothing missing
    public void WritesNothingWhereNothingCanOrNeedBeCompleted(string declaration, string? compilerError)
    {
        var run = GeneratorHarness.Generate("using ModelDsl;\nnamespace Demo;\n" + declaration);

        Assert.Null(run.Result.Results.Single().Exception);
        Assert.DoesNotContain("Demo.M.g.cs", run.Sources.Keys);
        if (compilerError is not null)
        {
            Assert.Contains(run.Output.GetDiagnostics(), d => d.Id == compilerError);
        }

        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Location.SourceTree is { } tree && tree.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) && d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    [Fact]
    public void VerbatimKeywordMembersAndWrittenAccessibilityCompile()
    {
        // @class is emitted as @class (not class); a member without an access modifier is implemented without one (CS8799).
        var run = GeneratorHarness.Generate("""
            using ModelDsl;
            namespace Demo;
            /// <summary>A model.</summary>
            [Model(InputShape = [8])]
            public partial class @object
            {
                /// <summary>A keyword.</summary>
                [Linear(4)] public partial Layer @class { get; }
                [ReLU] partial Layer Hidden { get; }
            }
            """);

        Assert.Contains("public partial global::TorchSharp.torch.nn.Module<global::TorchSharp.torch.Tensor, global::TorchSharp.torch.Tensor> @class { get => field; }", run.Sources["Demo.object.g.cs"], StringComparison.Ordinal);
        Assert.Contains("register_module(\"class\", @class);", run.Sources["Demo.object.g.cs"], StringComparison.Ordinal);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }
}
