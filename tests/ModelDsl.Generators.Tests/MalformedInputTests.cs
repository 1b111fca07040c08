namespace ModelDsl.Generators.Tests;

/// <summary>Malformed declarations never make the generator throw; they produce no source (the analyzers report them).</summary>
public class MalformedInputTests
{
    [Theory]
    [InlineData("[Model(InputShape = [8])] public partial class M { [Conv2d(10, Kernel = 3)] public partial Layer A { get; } }")] // Conv2d on a vector: shape error
    [InlineData("[Model(InputShape = [8])] public partial class M { [Linear(\"width\")] public partial Layer A { get; } }")] // unknown name
    [InlineData("[Model(InputShape = [8])] public partial class M { [Linear(2.5)] public partial Layer A { get; } }")] // not an integer
    [InlineData("[Model(InputShape = [8])] public partial class M { [Linear(10)] public Layer A { get; } = null!; }")] // not partial
    [InlineData("[Model(InputShape = [8])] public class M { [Linear(10)] public partial Layer A { get; } }")] // class not partial
    [InlineData("[Model(InputShape = [8])] public partial class M { [Linear(10)] public partial int A { get; } }")] // not a Layer
    [InlineData("[Model(InputShape = [8])] public partial class M { [Linear(UnknownConstant)] public partial Layer A { get; } }")] // does not bind
    [InlineData("[Model(InputShape = [8])] public partial class M { [Stage(typeof(string), \"x = 1\")] public partial Layer A { get; } }")] // not a block
    [InlineData("[Model(InputShape = [8])] public partial class M { [Block(typeof(B), \"nonsense\")] public partial Layer A { get; } } [Block(\"width\")] public partial class B { [Linear(\"width\")] public partial Layer L { get; } }")]
    [InlineData("[Model(InputShape = [8])] public partial class M { [Block(typeof(B))] public partial Layer A { get; } } [Block(\"width\")] [Residual(Through = \"Nope\")] public partial class B { [Linear(8)] public partial Layer L { get; } }")]
    [InlineData("[Model] public partial class M { [Linear(10)] public partial Layer A { get; } }")] // no input
    [InlineData("[Model(InputShape = [8])] public partial class M { [Linear(10), Stage(typeof(M))] public partial Layer A { get; } }")] // stage mixed with a layer
    [InlineData("[Model(InputShape = [8])] public partial class M { }")] // no layers
    [InlineData("public partial class Outer { [Model(InputShape = [8])] public partial class M { [Linear(10)] public partial Layer A { get; } } }")] // nested
    public void ProducesNoModelSourceAndNoException(string declaration)
    {
        var run = GeneratorHarness.Generate("using ModelDsl;\nnamespace Demo;\n" + declaration);

        var result = run.Result.Results.Single();
        Assert.Null(result.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain("Demo.M.g.cs", run.Sources.Keys);
        Assert.DoesNotContain("Demo.Outer.M.g.cs", run.Sources.Keys);
    }
}
