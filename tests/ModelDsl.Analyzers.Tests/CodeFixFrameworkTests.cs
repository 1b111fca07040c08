using ModelDsl.CodeFixes;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// The code fixes as Roslyn's code-fix test framework runs them, with the generator in the compilation before and after:
/// the framework checks every diagnostic of the fixed code, the compiler's included, so a fix whose result does not
/// compile with the generated source, or leaves the diagnostic it fixed, fails here. Each expected diagnostic is marked
/// where it is reported; the fixed code's are the ones a user sees after applying the fix.
/// </summary>
public class CodeFixFrameworkTests
{
    [Fact]
    public Task MakePartial_TheFixedClassIsGeneratedAndCompiles() => new GeneratedFrameworkTest<MakePartialCodeFix>
    {
        // Without `partial` C# itself rejects the partial property (CS0751), and C# would reject any completion of the
        // class, so the generator writes none (CS9248).
        TestCode = """
            using ModelDsl;
            namespace Demo;

            [Model(InputShape = [4])]
            public sealed class {|MDSL0001:Net|}
            {
                [Linear(2)] public partial Layer {|CS0751:{|CS9248:Fc|}|} { get; }
            }
            """,
        FixedCode = """
            using ModelDsl;
            namespace Demo;

            [Model(InputShape = [4])]
            public sealed partial class {|MDSL2005:Net|}
            {
                [Linear(2)] public partial Layer Fc { get; }
            }
            """,
    }.RunAsync();

    // 784 → 128 → 10 in float32: 101,770 parameters, 407,080 weight bytes; int8 stores 102,736 (CompressWeightsCodeFixTests).
    private const string OverBytes = """
        using ModelDsl;
        namespace Demo;

        [Model(InputShape = [784])]
        [ParameterBudget({|MDSL2004:MaxWeightBytes = 200000|})]
        public partial class {|MDSL2005:Mlp|}
        {
            [Linear(128), ReLU] public partial Layer Hidden { get; }
            [Linear(10)] public partial Layer Output { get; }
        }
        """;

    // After the fix the dense model is still over (MDSL2009 instead of MDSL2004: the budget is met by MlpInt8, which it
    // names) and the generated variant class reports its own cost.
    [Fact]
    public Task CompressWeights_TheInt8VariantMeetsTheBudgetAndCompiles() => new GeneratedFrameworkTest<CompressWeightsCodeFix>
    {
        TestCode = OverBytes,
        FixedCode = """
            using ModelDsl;
            namespace Demo;

            [Model(InputShape = [784])]
            [ParameterBudget({|MDSL2009:MaxWeightBytes = 200000|})]
            [{|MDSL2005:Variant("Int8", Weights = Precision.Int8)|}]
            public partial class {|MDSL2005:Mlp|}
            {
                [Linear(128), ReLU] public partial Layer Hidden { get; }
                [Linear(10)] public partial Layer Output { get; }
            }
            """,
    }.RunAsync();

    [Fact]
    public Task InsertFlatten_TheFixedModelIsGeneratedAndCompiles() => new GeneratedFrameworkTest<InsertFlattenCodeFix>
    {
        TestCode = """
            using ModelDsl;
            namespace Demo;

            [Model(InputShape = [1, 28, 28])]
            public partial class {|MDSL2005:Net|}
            {
                [Conv2d(8, Kernel = 3, Padding = 1)] public partial Layer C1 { get; }
                [ReLU] public partial Layer R1 { get; }
                [{|MDSL1007:Linear(10)|}] public partial Layer Fc { get; }
            }
            """,
        FixedCode = """
            using ModelDsl;
            namespace Demo;

            [Model(InputShape = [1, 28, 28])]
            public partial class {|MDSL2005:Net|}
            {
                [Conv2d(8, Kernel = 3, Padding = 1)] public partial Layer C1 { get; }
                [ReLU] public partial Layer R1 { get; }
                [Flatten] public partial Layer Flatten { get; }
                [Linear(10)] public partial Layer Fc { get; }
            }
            """,
    }.RunAsync();
}
