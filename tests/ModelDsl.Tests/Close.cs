using static TorchSharp.torch;

namespace ModelDsl.Tests;

/// <summary>Element-wise closeness assertions that say where and by how much values differ.</summary>
public static class Close
{
    /// <summary>
    /// Asserts equal shapes and |actual − expected| ≤ atol + rtol·|expected| everywhere; returns max |diff|.
    /// Default 1e-5 / 1e-5: libtorch 2.10 (TorchSharp) and PyTorch 1.13's libtorch differ by about 1e-6 on the same
    /// float32 inputs (different kernels and summation orders); a pure relative bound fails near zero, where values
    /// of ~1e-3 differ by up to 7e-4 relative, so the absolute part is needed.
    /// </summary>
    public static double Equal(Tensor expected, Tensor actual, double rtol = 1e-5, double atol = 1e-5, string what = "")
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{what}: shape {LayerBase.FormatShape(actual.shape)}, expected {LayerBase.FormatShape(expected.shape)}");
        using var scope = NewDisposeScope();
        var e = expected.to(ScalarType.Float64);
        var a = actual.detach().to(ScalarType.Float64);
        var diff = (a - e).abs();
        var max = diff.numel() == 0 ? 0 : diff.max().item<double>();
        if (a.allclose(e, rtol, atol))
        {
            return max;
        }
        var excess = diff - (e.abs() * rtol + atol);
        var worst = excess.flatten().argmax().item<long>();
        Assert.Fail($"{what}: max |diff| {max:G6}; worst at flat index {worst}: got {a.flatten()[worst].item<double>():G9}, expected {e.flatten()[worst].item<double>():G9} (rtol {rtol}, atol {atol})");
        return max;
    }
}
