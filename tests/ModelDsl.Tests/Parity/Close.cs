using ModelDsl;

namespace ModelDsl.Tests;

/// <summary>Element-wise closeness assertions with a message that shows where and by how much values differ.</summary>
public static class Close
{
    /// <summary>Asserts equal shapes and |actual − expected| ≤ atol + rtol·|expected| everywhere (float32 parity: 1e-5).</summary>
    public static void Equal(Tensor expected, Tensor actual, double rtol = 1e-5, double atol = 1e-5, string what = "")
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape {Tensor.FormatShape(actual.Shape)}, expected {Tensor.FormatShape(expected.Shape)}");
        using var scope = Torch.NewDisposeScope();
        var e = expected.To(DType.Float64);
        var a = actual.To(DType.Float64);
        if (a.AllClose(e, rtol, atol))
        {
            return;
        }
        var diff = (a - e).Abs();
        var excess = diff - (e.Abs() * rtol + atol);
        var worst = (long)excess.Flatten().ArgMax().Item();
        var ef = e.Flatten();
        var af = a.Flatten();
        Assert.Fail($"{what}: max |diff| {diff.Max().Item():G6}; worst at flat index {worst}: got {af[worst].Item():G9}, expected {ef[worst].Item():G9} (rtol {rtol}, atol {atol})");
    }
}
