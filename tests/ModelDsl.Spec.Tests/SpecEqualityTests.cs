using ModelDsl.Spec.Tests.Zoo;
using static ModelDsl.Spec.LayerKind;

namespace ModelDsl.Spec.Tests;

// The generator caches on these records: two specs built from the same attributes must be equal.
public class SpecEqualityTests
{
    [Fact]
    public void IndependentlyBuiltSpecsAreEqualWithEqualHashes()
    {
        var a = ResNets.ResNet50();
        var b = ResNets.ResNet50();
        Assert.NotSame(a, b);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(Shapes.Infer(a), Shapes.Infer(b));
        Assert.Equal(Cost.Of(a), Cost.Of(b));
    }

    [Fact]
    public void OneArgumentChangesEquality()
    {
        var a = ResNets.ResNet18();
        var layers = a.Layers.ToArray();
        layers[^1] = new LayerSpec("fc", Linear, ("out", 10));
        Assert.NotEqual(a, a with { Layers = layers });
    }

    [Fact]
    public void EquatableArrayIsStructural()
    {
        EquatableArray<int> a = new[] { 1, 2, 3 };
        EquatableArray<int> b = new[] { 1, 2, 3 };
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, (EquatableArray<int>)new[] { 1, 2 });
        Assert.Equal(EquatableArray<int>.Empty, (EquatableArray<int>)Array.Empty<int>());
        Assert.Equal("[1, 2, 3]", a.ToString());
    }

    [Fact]
    public void ArrayPassedInIsCopied()
    {
        var source = new[] { 1, 2 };
        EquatableArray<int> wrapped = source;
        source[0] = 9;
        Assert.Equal(1, wrapped[0]);
    }

    [Fact]
    public void VariantsAndBudgetsAreData()
    {
        var spec = ResNets.ResNet18() with
        {
            Budget = new BudgetSpec(MaxMFlops: 4000, MaxParams: 12_000_000),
            Variants = new[] { new VariantSpec("Slim", KeepRatio: 0.5), new VariantSpec("Sparse", Sparsity: "2:4"), new VariantSpec("Int4", Weights: Precision.Int4), new VariantSpec("LowRank", Rank: 32) },
        };
        Assert.Equal(spec, spec with { Variants = spec.Variants.ToArray() });
        Assert.Equal("2:4", spec.Variants[1].Sparsity);
    }
}
