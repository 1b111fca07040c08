using static TorchSharp.torch;

namespace ModelDsl.Tests.Compression;

/// <summary>
/// The sparse variant layers against hand references: the N:M storage (values, packed positions, the bytes of the
/// layout), NMLinear and NMConv2d computing as the masked dense layer, SparseLinear's CSR path against the dense
/// product, and the CUDA-only semi-structured kernel failing with an exception (not an abort) on the CPU.
/// </summary>
public sealed class SparseLayerTests
{
    [Fact]
    public void TwoFourKeepsTheTwoLargestOfEveryFourAndPacksFourPositionsPerByte()
    {
        // Row 0: groups [1, -5, 3, 0.5] and [0, 0, 2, -2]; row 1: [4, 4, 4, 4] (ties to the lower index) and [0.1, 0, 0, -0.3].
        using var weight = tensor(new float[] { 1, -5, 3, 0.5f, 0, 0, 2, -2, 4, 4, 4, 4, 0.1f, 0, 0, -0.3f }).view(2, 8);
        var (values, indices) = NMWeights.Compress(weight, 2, 4);
        using (values)
        using (indices)
        {
            Assert.Equal(new float[] { -5, 3, 2, -2, 4, 4, 0.1f, -0.3f }, values.data<float>().ToArray());
            // Positions row 0: 1, 2 | 2, 3 → 1 + 2·4 + 2·16 + 3·64 = 233; row 1: 0, 1 | 0, 3 → 0 + 4 + 0 + 192 = 196.
            Assert.Equal(new byte[] { 233, 196 }, indices.data<byte>().ToArray());
            using var dense = NMWeights.Decompress(values, indices, 8, 2, 4);
            Assert.Equal(new float[] { 0, -5, 3, 0, 0, 0, 2, -2, 4, 4, 0, 0, 0.1f, 0, 0, -0.3f }, dense.data<float>().ToArray());
        }
    }

    [Theory]
    [InlineData(1, 2, 1, 8)]
    [InlineData(2, 4, 2, 4)]
    [InlineData(3, 8, 3, 2)]
    [InlineData(2, 16, 4, 2)]
    [InlineData(1, 256, 8, 1)]
    public void PositionBitsAndPackingFollowM(int n, int m, int bits, int perByte)
    {
        Assert.Equal(bits, NMWeights.IndexBits(m));
        Assert.Equal(perByte, NMWeights.IndexesPerByte(m));
        using var scope = NewDisposeScope();
        var weight = randn(6, m * 5);
        var (values, indices) = NMWeights.Compress(weight, n, m);
        Assert.Equal(new long[] { 6, 5 * n }, values.shape);
        Assert.Equal(new long[] { 6, ((5 * n) + perByte - 1) / perByte }, indices.shape);
        // The decompressed weight is the weight under NMSparsity's mask, exactly.
        using var model = nn.Linear(m * 5, 6);
        using (no_grad())
        {
            model.weight!.copy_(weight);
        }

        using var mask = NMSparsity.Mask(model, n, m, ["weight"]);
        Assert.True(NMWeights.Decompress(values, indices, m * 5, n, m).eq(weight.mul(mask["weight"])).all().item<bool>());
    }

    [Fact]
    public void NMLinearAndNMConv2dComputeAsTheMaskedDenseLayers()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weight = randn(16, 32);
        var bias = randn(16);
        using var linear = new NMLinear(32, 16, 2, 4);
        linear.Quantize(weight, bias);
        using var mask = NMSparsity.GroupMask(weight, 2, 4);
        var x = randn(5, 32);
        Assert.True(linear.call(x).allclose(nn.functional.linear(x, weight.mul(mask), bias), rtol: 0, atol: 1e-6));

        var kernel = randn(8, 4, 3, 3);
        using var conv = new NMConv2d(4, 8, 3, 1, 4, padding: 1, bias: false);
        conv.Quantize(kernel, null);
        using var kernelMask = NMSparsity.GroupMask(kernel, 1, 4);
        var image = randn(2, 4, 6, 6);
        Assert.True(conv.call(image).allclose(nn.functional.conv2d(image, kernel.mul(kernelMask), padding: [1, 1]), rtol: 0, atol: 1e-5));
        Assert.True(NMSparsity.Satisfies(conv.Dequantize(), 1, 4));
    }

    [Fact]
    public void NMLayersRejectAPatternThatDoesNotFitWithAMessage()
    {
        var error = Assert.Throws<ArgumentException>(() => new NMLinear(30, 4, 2, 4));
        Assert.Contains("M = 4 does not divide the reduction dimension 30", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new NMLinear(32, 4, 4, 4));
        Assert.Throws<ArgumentException>(() => new NMConv2d(3, 8, 3, 2, 4));
    }

    [Theory]
    [InlineData(4096L * 1024, 0.1, 1, true)]
    [InlineData(4096L * 1024, 0.2, 1, false)]
    [InlineData(4096L * 1024, 0.2, 8, true)]
    [InlineData(4096L * 1024, 0.3, 8, false)]
    [InlineData(4096L * 1024, 0.1, 64, true)]
    [InlineData(4096L * 1024, 0.1, 65, false)]
    [InlineData(256L * 784, 0.05, 8, false)]
    public void CsrIsChosenByTheMeasuredCrossover(long elements, double density, long rows, bool csr) =>
        Assert.Equal(csr, SparseLinear.UsesCsr(elements, density, rows));

    [Fact]
    public void SparseLinearComputesThroughCsrCloseToTheDenseProductAndDenseAboveTheCrossover()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var generator = new Generator(3);
        var weight = randn([2048, 512], generator: generator).mul(rand([2048, 512], generator: generator).lt(0.1));
        var bias = randn([2048], generator: generator);
        using var layer = new SparseLinear(512, 2048);
        layer.Quantize(weight, bias);
        Assert.True(layer.HasCsr);
        Assert.Equal(weight.count_nonzero().item<long>(), layer.NonZeros);
        var x = randn([3, 4, 512], generator: generator);
        var expected = nn.functional.linear(x, weight, bias);
        var viaCsr = layer.call(x);
        Assert.Equal(new long[] { 3, 4, 2048 }, viaCsr.shape);
        Assert.True(viaCsr.allclose(expected, rtol: 1e-5, atol: 1e-5));
        // 128 rows: above the crossover, the dense product itself.
        var many = randn([128, 512], generator: generator);
        Assert.True(layer.call(many).eq(nn.functional.linear(many, weight, bias)).all().item<bool>());
    }

    [Fact]
    public void TheSemiStructuredKernelFailsAsAnExceptionOnTheCpu()
    {
        using var scope = NewDisposeScope();
        var weight = randn(64, 64);
        Assert.Null(SemiStructured.TryKernel(weight, out var why));
        Assert.Contains("semi-structured kernel failed", why, StringComparison.Ordinal);
        Assert.Contains("Could not run 'aten::_cslt_compress' with arguments from the 'CPU' backend.", why, StringComparison.Ordinal);
        Assert.Null(SemiStructured.TryCompress(weight, 2, 4, out var reason));
        Assert.Contains("CUDA", reason, StringComparison.Ordinal);
        Assert.Null(SemiStructured.TryCompress(weight, 1, 4, out var pattern));
        Assert.Contains("2:4 pattern only", pattern, StringComparison.Ordinal);
    }

    [Fact]
    public void A24LinearOnTheCpuSaysWhyItComputesDenseAndRequiringTheKernelFails()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var layer = new NMLinear(64, 32, 2, 4);
        var weight = randn(32, 64);
        var bias = randn(32);
        layer.Quantize(weight, bias);
        Assert.False(layer.UsesSemiStructured);
        Assert.Contains("CUDA is not available", layer.SemiStructuredStatus, StringComparison.Ordinal);
        var error = Assert.Throws<NotSupportedException>(layer.RequireSemiStructured);
        Assert.Contains("NMLinear", error.Message, StringComparison.Ordinal);
        Assert.Contains("2:4 kernels are CUDA-only", error.Message, StringComparison.Ordinal);
        // The dense path it falls back to: the 2:4-masked weight, exactly.
        var x = randn(3, 64);
        // By libtorch's topk: the 2 largest |w| of each group of 4 consecutive inputs.
        var groups = weight.view(32, 16, 4);
        var keep = zeros_like(groups).scatter_(2, groups.abs().topk(2, dim: 2).indexes, ones_like(groups));
        var masked = groups.mul(keep).view(32, 64);
        Assert.True(layer.call(x).allclose(nn.functional.linear(x, masked, bias), rtol: 1e-5, atol: 1e-5));

        // A 2:4 convolution has no semi-structured kernel on any device, and says so.
        using var conv = new NMConv2d(8, 16, 3, 2, 4, padding: 1);
        Assert.False(conv.UsesSemiStructured);
        var convError = Assert.Throws<NotSupportedException>(conv.RequireSemiStructured);
        Assert.Contains("NMConv2d", convError.Message, StringComparison.Ordinal);
        Assert.Contains("not convolutions", convError.Message, StringComparison.Ordinal);

        // cuSPARSELt's float32 shape rule, checked before any call.
        Assert.Null(SemiStructured.ShapeRefusal(32, 64));
        Assert.Contains("[10, 64] is not a multiple of 8", SemiStructured.ShapeRefusal(10, 64), StringComparison.Ordinal);
        Assert.Contains("[32, 12] is not a multiple of 8", SemiStructured.ShapeRefusal(32, 12), StringComparison.Ordinal);
    }
}
