using Microsoft.CodeAnalysis.Testing;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// The analyzers as Roslyn's own test framework runs them, with the generator in the same compilation: the framework
/// checks every diagnostic, the compiler's included, so these tests fail on a CS9248 (or any error in generated code)
/// as well as on a missing or misplaced MDSL diagnostic. Reference assemblies come from Basic.Reference.Assemblies
/// (offline), plus the ModelDsl runtime for the attributes.
/// </summary>
public class TestingFrameworkTests
{
    [Fact]
    public Task InvalidModel_CompilesWithTheCompletionAndReportsOnTheAttribute() => Run("""
        using ModelDsl;
        namespace Demo;

        [Model(InputShape = [3, 4, 4])]
        public partial class Net
        {
            [{|MDSL1003:Conv2d(8, Kernel = 7)|}] public partial Layer Stem { get; }
            [ReLU] public partial Layer Act { get; }
        }
        """);

    [Fact]
    public Task DeclarationError_InABlock_IsReportedOnceOnTheBlock_AndTheModelStillCompiles() => Run("""
        using ModelDsl;
        namespace Demo;

        [Block("width")]
        public partial class Unit
        {
            [Linear({|MDSL0006:"depth"|})] public partial Layer Fc { get; }
        }

        [Model(InputShape = [8])]
        public partial class Net
        {
            [Block(typeof(Unit), "width = 4")] public partial Unit Body { get; }
        }
        """);

    [Fact]
    public Task ValidModel_GetsOnlyItsCostInfo() => Run("""
        using ModelDsl;
        namespace Demo;

        [Model(InputShape = [8])]
        public partial class {|MDSL2005:Net|}
        {
            [Linear(4)] public partial Layer Fc { get; }
        }
        """);

    private static Task Run(string source) =>
        new GeneratedFrameworkTest<EmptyCodeFixProvider> { TestCode = source, FixedCode = source }.RunAsync();
}
