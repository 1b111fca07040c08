namespace ModelDsl.Analyzers.Tests;

/// <summary>MDSL0xxx: each fires at its exact span and is silent once the declaration is corrected.</summary>
public class DeclarationTests
{
    private const string Block = """
        using ModelDsl;
        namespace Demo;
        [Block("planes", "stride = 1")]
        [Residual(Shortcut.Projection, Through = nameof(Bn2))]
        public partial class Basic
        {
            [Conv2d("planes", Kernel = 3, Stride = "stride", Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
            [BatchNorm2d] public partial Layer Bn1 { get; }
            [ReLU] public partial Layer Relu { get; }
            [Conv2d("planes", Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv2 { get; }
            [BatchNorm2d] public partial Layer Bn2 { get; }
            [ReLU] public partial Layer Out { get; }
        }
        """;

    [Fact]
    public void ClassNotPartial_FiresOnTheClassName() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [4])]
        public class {|MDSL0001:Net|}
        {
            [Linear(2)] public Layer Fc { get; } = null!;
        }
        """, ignore: new[] { "MDSL2005", "MDSL0002" });

    [Fact]
    public void ClassNotPartial_SilentWhenPartial() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [4])]
        public partial class Net
        {
            [Linear(2)] public partial Layer Fc { get; }
        }
        """);

    [Fact]
    public void LayerMemberForm_FiresOnANonPartialProperty() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [4])]
        public partial class Net
        {
            [Linear(2)] public Layer {|MDSL0002:Fc|} { get; } = null!;
        }
        """);

    [Fact]
    public void LayerMemberForm_FiresOnALayerNamedLikeAGeneratedMember()
    {
        // The generated Summary() would be a second member 'Summary' (CS0102 in the generated file, and no analyzer runs).
        var diagnostic = Verify.Diagnostics("""
            using ModelDsl;
            [Model(InputShape = [4])]
            public partial class Net
            {
                [Linear(2)] public partial Layer Hidden { get; }
                [Linear(2)] public partial Layer {|MDSL0002:Summary|} { get; }
            }
            """).Single();
        Assert.StartsWith("Layer member 'Summary' has the name of a member the generator writes on every model", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void LayerMemberForm_SilentOnABlockMixedWithLayers() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Block(typeof(Demo.Basic), "planes = 4"), ReLU] public partial Layer B { get; }
        }
        """, Block);

    [Fact]
    public void UnknownBlock_FiresOnTheType() => Verify.Diagnostics("""
        using ModelDsl;
        public class NotABlock { }
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Stage({|MDSL0003:typeof(NotABlock)|}, "planes = 4")] public partial Layer S { get; }
        }
        """);

    [Fact]
    public void UnknownBlock_SilentOnABlock() => Verify.Silent("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Stage(typeof(Demo.Basic), "planes = 4", Blocks = 2)] public partial Layer S { get; }
        }
        """, Block);

    [Fact]
    public void MissingInput_FiresOnTheModelAttribute() => Verify.Diagnostics("""
        using ModelDsl;
        [{|MDSL0004:Model|}]
        public partial class Net
        {
            [Linear(2)] public partial Layer Fc { get; }
        }
        """);

    [Fact]
    public void MissingInput_FiresWhenBothInputsAreSet() => Verify.Diagnostics("""
        using ModelDsl;
        [{|MDSL0004:Model(InputShape = [4], SequenceLength = 8, Vocabulary = 10)|}]
        public partial class Net
        {
            [Linear(2)] public partial Layer Fc { get; }
        }
        """);

    [Fact]
    public void MalformedArgument_FiresOnARealWhereAnIntegerBelongs() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [4])]
        public partial class Net
        {
            [Linear({|MDSL0005:2.5|})] public partial Layer Fc { get; }
        }
        """);

    [Fact]
    public void MalformedArgument_ShowsAWholeRealAsAReal()
    {
        // "got 3" for `Kernel = 3.0` would read as an integer, the very thing the message asks for.
        var diagnostics = Verify.Diagnostics("""
            using ModelDsl;
            [Model(InputShape = [1, 8, 8])]
            public partial class Net
            {
                [Conv2d(4, {|MDSL0005:Kernel = 3.0|})] public partial Layer Conv { get; }
                [Flatten, Linear({|MDSL0005:2.0f|})] public partial Layer Fc { get; }
            }
            """);
        Assert.Equal("Argument 'Kernel' of [Conv2d] is malformed: expected an integer or an expression, got 3.0", diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith("got 2.0f", diagnostics[1].GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedArgument_FiresOnABlockArgumentWithoutValue() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Stage(typeof(Demo.Basic), {|MDSL0005:"planes"|})] public partial Layer S { get; }
        }
        """, new[] { Block });

    [Fact]
    public void MalformedArgument_FiresOnAnUnknownBlockParameter() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Stage(typeof(Demo.Basic), "planes = 4", {|MDSL0005:"width = 2"|})] public partial Layer S { get; }
        }
        """, new[] { Block });

    [Fact]
    public void MalformedArgument_FiresOnAGarbledExpression() => Verify.Diagnostics("""
        using ModelDsl;
        [Block("planes")]
        public partial class B
        {
            [Linear({|MDSL0005:"planes * "|})] public partial Layer Fc { get; }
        }
        """);

    [Fact]
    public void MalformedArgument_FiresOnANonPositiveBudget() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [4])]
        [FlopBudget({|MDSL0005:MaxMFlops = -1|})]
        public partial class Net
        {
            [Linear(2)] public partial Layer Fc { get; }
        }
        """);

    [Fact]
    public void MalformedArgument_FiresOnAnUnknownThrough() => Verify.Diagnostics("""
        using ModelDsl;
        [Block("planes")]
        [Residual(Shortcut.Projection, {|MDSL0005:Through = "Nope"|})]
        public partial class B
        {
            [Conv2d("planes", Kernel = 3, Padding = 1)] public partial Layer Conv { get; }
        }
        """);

    [Fact]
    public void UnknownName_FiresOnTheExpressionInABlock()
    {
        var diagnostic = Verify.Diagnostics("""
            using ModelDsl;
            [Block("planes")]
            public partial class B
            {
                [Conv2d({|MDSL0006:"width * 4"|}, Kernel = 1)] public partial Layer Conv { get; }
            }
            """).Single();
        Assert.Equal("'width' in \"width * 4\" is not a parameter of block B", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void UnknownName_FiresOnAnExpressionInAModel() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [4])]
        public partial class Net
        {
            [Linear({|MDSL0006:"hidden"|})] public partial Layer Fc { get; }
        }
        """);

    [Fact]
    public void UnknownName_SilentWhenTheNameIsAParameter() => Verify.Silent("""
        using ModelDsl;
        [Block("planes")]
        public partial class B
        {
            [Conv2d("planes * 4", Kernel = 1)] public partial Layer Conv { get; }
        }
        """);

    [Fact]
    public void NoLayers_FiresOnTheClassName() => Verify.Diagnostics("""
        using ModelDsl;
        [Model(InputShape = [4])]
        public partial class {|MDSL0007:Net|}
        {
        }
        """);

    // The analyzers alone check for the cycle before they infer anything; with the generator, the model's blocks are
    // parsed once each and their graph walked once for a cycle, so the model using it is completed, not built, and
    // nothing infers a shape of infinite depth.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RecursiveBlock_FiresOnTheTypeThatClosesTheCycle(bool runGenerator) => Verify.Diagnostics("""
        using ModelDsl;
        [Block("planes")]
        public partial class Outer
        {
            [Conv2d("planes", Kernel = 1)] public partial Layer Conv { get; }
            [Block({|MDSL0008:typeof(Inner)|}, "planes = planes")] public partial Layer Nested { get; }
        }

        [Block("planes")]
        public partial class Inner
        {
            [Block({|MDSL0008:typeof(Outer)|}, "planes = planes")] public partial Layer Back { get; }
        }

        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Block(typeof(Outer), "planes = 4")] public partial Layer B { get; }
        }
        """, runGenerator: runGenerator);

    [Fact]
    public void RecursiveBlock_SilentOnNestedBlocks() => Verify.Silent("""
        using ModelDsl;
        [Block("planes")]
        public partial class Outer
        {
            [Conv2d("planes", Kernel = 1)] public partial Layer Conv { get; }
            [Block(typeof(Inner), "planes = planes")] public partial Layer Nested { get; }
        }

        [Block("planes")]
        public partial class Inner
        {
            [Conv2d("planes", Kernel = 1)] public partial Layer Conv { get; }
        }

        [Model(InputShape = [3, 8, 8])]
        public partial class Net
        {
            [Block(typeof(Outer), "planes = 4")] public partial Layer B { get; }
        }
        """);

    [Fact]
    public void BlockDeclaration_SilentWhenWellFormed() => Verify.Silent(Block);
}
