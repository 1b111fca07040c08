namespace ModelDsl.Analyzers.Tests;

/// <summary>The corrected form of each declaration-test mistake is silent (one case per diagnostic not covered beside its firing test).</summary>
public class CorrectedDeclarationTests
{
    public static TheoryData<string, string> Corrected => new()
    {
        // MDSL0002: the member declared as the DSL asks.
        { "MDSL0002", """
            using ModelDsl;
            [Model(InputShape = [4])]
            public partial class Net
            {
                [Linear(2)] public partial Layer Fc { get; }
            }
            """ },

        // MDSL0004: an input shape, or a token input.
        { "MDSL0004", """
            using ModelDsl;
            [Model(SequenceLength = 8, Vocabulary = 10)]
            public partial class Net
            {
                [Embedding(16), Linear(10)] public partial Layer Fc { get; }
            }
            """ },

        // MDSL0005: an integer size, "name = value" arguments, a well-formed expression, a positive budget.
        { "MDSL0005", """
            using ModelDsl;
            [Block("planes")]
            [Residual(Shortcut.Projection, Through = nameof(Conv))]
            public partial class B
            {
                [Conv2d("planes * 2", Kernel = 3, Padding = 1)] public partial Layer Conv { get; }
            }

            [Model(InputShape = [3, 8, 8])]
            [FlopBudget(MaxMFlops = 100)]
            public partial class Net
            {
                [Stage(typeof(B), "planes = 4", Blocks = 2)] public partial Layer S { get; }
                [Flatten, Linear(2)] public partial Layer Fc { get; }
            }
            """ },

        // MDSL0007: a layer member.
        { "MDSL0007", """
            using ModelDsl;
            [Model(InputShape = [4])]
            public partial class Net
            {
                [ReLU] public partial Layer Act { get; }
            }
            """ },

        // MDSL1005: a positive input size.
        { "MDSL1005", """
            using ModelDsl;
            [Model(InputShape = [1])]
            public partial class Net
            {
                [Linear(8)] public partial Layer Fc { get; }
            }
            """ },
    };

    [Theory]
    [MemberData(nameof(Corrected))]
    public void IsSilent(string id, string source)
    {
        Assert.StartsWith("MDSL", id);
        Verify.Silent(source);
    }
}
