using static TorchSharp.torch;

namespace ModelDsl.Tests.Compression;

/// <summary>Choosing a rank by retained spectral energy, and measuring a lossy variant's output error.</summary>
public sealed class LossyVariantToolsTests
{
    // W = Q₁ · diag(σ) · Q₂ᵀ with orthonormal Q from a QR, so its singular values are σ by construction.
    private static Tensor WithSingularValues(double[] sigma, long outFeatures, long inFeatures)
    {
        var generator = new Generator(3);
        var (q1, _) = linalg.qr(randn([outFeatures, sigma.Length], ScalarType.Float64, generator: generator));
        var (q2, _) = linalg.qr(randn([inFeatures, sigma.Length], ScalarType.Float64, generator: generator));
        return q1.matmul(diag(tensor(sigma))).matmul(q2.t()).to(ScalarType.Float32);
    }

    [Fact]
    public void RetainedEnergyIsTheShareOfTheSquaredSingularValues()
    {
        // σ = 4, 2, 1, 1: σ² = 16, 4, 1, 1 of 22.
        using var w = WithSingularValues([4, 2, 1, 1], 6, 5);
        Assert.Equal(16.0 / 22, ModelDsl.Compression.RetainedEnergy(w, 1), 5);
        Assert.Equal(20.0 / 22, ModelDsl.Compression.RetainedEnergy(w, 2), 5);
        Assert.Equal(21.0 / 22, ModelDsl.Compression.RetainedEnergy(w, 3), 5);
        Assert.Equal(1.0, ModelDsl.Compression.RetainedEnergy(w, 5), 5);
    }

    [Theory]
    [InlineData(0.5, 1)]      // 16/22 = 0.727
    [InlineData(0.9, 2)]      // 20/22 = 0.909
    [InlineData(0.95, 3)]     // 21/22 = 0.955
    [InlineData(1.0, 4)]      // the fifth singular value is 0
    public void RankForIsTheSmallestRankThatKeepsTheEnergy(double energy, long rank)
    {
        using var w = WithSingularValues([4, 2, 1, 1], 6, 5);
        Assert.Equal(rank, ModelDsl.Compression.RankFor(w, energy));
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        using var w = randn(4, 3);
        Assert.Contains("(0, 1]", Assert.Throws<ArgumentException>(() => ModelDsl.Compression.RankFor(w, 0)).Message, StringComparison.Ordinal);
        Assert.Contains("[1, 3]", Assert.Throws<ArgumentException>(() => ModelDsl.Compression.RetainedEnergy(w, 4)).Message, StringComparison.Ordinal);
        using var cube = randn(2, 2, 2);
        Assert.Contains("2-d", Assert.Throws<ArgumentException>(() => ModelDsl.Compression.RankFor(cube, 0.9)).Message, StringComparison.Ordinal);
    }

    private sealed class Scaled(nn.Module<Tensor, Tensor> inner, double scale, double shift = 0) : nn.Module<Tensor, Tensor>("Scaled")
    {
        public override Tensor forward(Tensor input) => inner.call(input).mul(scale).add(shift);
    }

    [Fact]
    public void OutputErrorOfAKnownPerturbation()
    {
        using var dense = nn.Linear(8, 5);
        using var x = randn(32, 8, generator: new Generator(5));

        var same = OutputError.Measure(dense, dense, x);
        Assert.Equal(new OutputError(0, 0, 1), same);

        // Every output 10% larger: the relative error is 0.1 exactly, the arg-max unchanged, the largest error 0.1·max|y|.
        using var louder = new Scaled(dense, 1.1);
        var error = OutputError.Measure(dense, louder, x);
        using var y = dense.call(x);
        Assert.Equal(0.1, error.Relative, 6);
        Assert.Equal(0.1 * y.abs().max().item<float>(), error.MaxAbsolute, 5);
        Assert.Equal(1.0, error.Top1Agreement);

        // Negated outputs: the arg-max becomes the arg-min, which is a different index in every row of 5 random logits.
        using var negated = new Scaled(dense, -1);
        Assert.Equal(0.0, OutputError.Measure(dense, negated, x).Top1Agreement);
        Assert.Equal(2.0, OutputError.Measure(dense, negated, x).Relative, 6);
    }

    [Fact]
    public void OutputErrorRestoresTrainingAndRejectsMismatchedOutputs()
    {
        using var dense = nn.Linear(8, 5);
        using var other = nn.Linear(8, 4);
        dense.train();
        using var x = randn(2, 8);
        var message = Assert.Throws<ArgumentException>(() => OutputError.Measure(dense, other, x)).Message;
        Assert.Contains("[2, 4]", message, StringComparison.Ordinal);
        Assert.Contains("[2, 5]", message, StringComparison.Ordinal);
        Assert.True(dense.training);
    }
}
