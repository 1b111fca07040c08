using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>
/// The sparse variants as a user gets them from the build: [Variant("Nm24", Sparsity = "2:4")] and
/// [Variant("Sparse90", Prune = 0.9)] (layer by layer or GlobalRanking). Each is an ordinary class: its compile-time
/// constants are the built module's (bytes from its state dict, MACs from its non-zero weights), FromDense keeps the
/// pattern, and its own state dict loads strictly into a fresh instance with identical outputs.
/// </summary>
public class SparseVariantTests(ITestOutputHelper output)
{
    private static long StoredBytes(nn.Module module) => module.state_dict().Values.Sum(t => t.numel() * t.ElementSize);

    private static nn.Module At(nn.Module model, string path) => model.named_modules().First(m => m.name == path).module;

    private static long NonZeros(Tensor tensor) => tensor.count_nonzero().item<long>();

    private static double MaxDifference(Tensor actual, Tensor expected) => (actual - expected).abs().max().item<float>();

    private static T RoundTrip<T>(T variant, Func<T> fresh) where T : nn.Module
    {
        var path = Path.Combine(Path.GetTempPath(), "modeldsl-sparse-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            variant.SaveSafeTensors(path);
            var loaded = fresh();
            loaded.LoadSafeTensors(path);
            return loaded;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void NmConstantsAreTheBytesAndMacsOfTheBuiltModule()
    {
        // By hand, 2:4 (the first Linear stays dense: 64 → 256, 16,384 + 256 float32 = 66,560 bytes):
        // hidden2 256 → 128 keeps 128 per output: 128 × 128 × 4 value bytes + 128 × 32 index bytes (4 per byte) + 512 bias = 70,144;
        // output 128 → 10 keeps 64: 10 × 64 × 4 + 10 × 16 + 40 = 2,760.
        Assert.Equal(66_560 + 70_144 + 2_760, SparseMlpNm24.WeightBytes);
        // 2:8 keeps 64 and 32 per output, positions in 3 bits, two per byte: 32,768 + 4,096 + 512 and 1,280 + 160 + 40.
        Assert.Equal(66_560 + 37_376 + 1_480, SparseMlpNm28.WeightBytes);
        using var nm24 = new SparseMlpNm24();
        using var nm28 = new SparseMlpNm28();
        Assert.Equal(SparseMlpNm24.WeightBytes, StoredBytes(nm24));
        Assert.Equal(SparseMlpNm28.WeightBytes, StoredBytes(nm28));
        // MACs: 16,384 dense + half of 32,768 + half of 1,280; 2:8 a quarter.
        Assert.Equal(50_432, SparseMlpNm24.DenseMacs);
        Assert.Equal(16_384 + 16_384 + 640, SparseMlpNm24.TotalMacs);
        Assert.Equal(16_384 + 8_192 + 320, SparseMlpNm28.TotalMacs);
        Assert.Equal(SparseMlp.TotalParameters, SparseMlpNm24.TotalParameters);
        Assert.IsType<NMLinear>(nm24.Output);
        Assert.IsType<TorchSharp.Modules.Linear>(At(nm24, "hidden1.0"));
        Assert.Equal(ScalarType.Byte, nm24.state_dict()["hidden2.0.weight_indices"].dtype);
        Assert.Contains("decompressed once to float32 at load", SparseMlpNm24.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void TwoFourWeightBytesOfAWideMlpAreUnderSixTenthsOfFloat32()
    {
        // By hand: 256 → 4096 stays dense; 4096 → 4096 and 4096 → 1024 store half the values plus R/8 index bytes per output (R/2 positions of 2 bits).
        const long up = (256 * 4096 + 4096) * 4, mid = (4096 * 2048 * 4) + (4096 * 512) + (4096 * 4), down = (1024 * 2048 * 4) + (1024 * 512) + (1024 * 4);
        Assert.Equal(up + mid + down, WideSparseMlpNm24.WeightBytes);
        Assert.Equal(WideSparseMlpNm24.WeightBytes, StoredBytes(new WideSparseMlpNm24()));
        var ratio = WideSparseMlpNm24.WeightBytes / (double)WideSparseMlp.WeightBytes;
        output.WriteLine($"WideSparseMlpNm24 weight bytes / float32: {ratio:F3}");
        Assert.True(ratio <= 0.6, $"ratio {ratio:F3}");
        // Of the sparsified Linears alone: (2 + 1/8) / 4 = 0.531 of float32.
        Assert.Equal(0.53125, (mid + down - (5120 * 4)) / (double)((4096 * 4096 + 1024 * 4096) * 4), 6);
    }

    [Fact]
    public void NmFromDenseKeepsThePatternReproducesAnAlreadySparseDenseModelAndRoundTrips()
    {
        using var dense = new SparseMlp();
        dense.eval();
        using var variant = SparseMlpNm24.FromDense(dense);
        variant.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (layer, name) in new[] { ((IQuantizedLayer)At(variant, "hidden2.0"), "hidden2.0.weight"), ((IQuantizedLayer)variant.Output, "output.weight") })
        {
            var weight = layer.Dequantize();
            Assert.True(NMSparsity.Satisfies(weight, 2, 4), $"{name} breaks 2:4");
            Assert.Equal(weight.numel() / 2, NonZeros(weight));
        }

        // The dense model masked to 2:4 by the training utility: the variant removes nothing more, so it reproduces it.
        using var mask = NMSparsity.Mask(dense, 2, 4);
        mask.Apply();
        var x = randn(32, 64);
        var expected = dense.call(x);
        var actual = variant.call(x);
        output.WriteLine($"SparseMlpNm24 vs the 2:4-masked dense model: max |difference| {MaxDifference(actual, expected):E2}");
        Assert.True(MaxDifference(actual, expected) <= 1e-6, $"max difference {MaxDifference(actual, expected):E2}");
        Assert.Equal(SparseMlpNm24.TotalMacs, variant.EffectiveMacs());

        // Built again from the already sparse dense model: the same stored tensors.
        using var again = SparseMlpNm24.FromDense(dense);
        Assert.True(again.state_dict()["hidden2.0.weight_values"].eq(variant.state_dict()["hidden2.0.weight_values"]).all().item<bool>());
        Assert.True(again.state_dict()["hidden2.0.weight_indices"].eq(variant.state_dict()["hidden2.0.weight_indices"]).all().item<bool>());

        using var loaded = RoundTrip(variant, () => new SparseMlpNm24());
        loaded.eval();
        Assert.True(loaded.call(x).eq(actual).all().item<bool>(), "the loaded variant computes differently");
        Assert.True(NMSparsity.Satisfies(((IQuantizedLayer)At(loaded, "hidden2.0")).Dequantize(), 2, 4));
    }

    [Fact]
    public void NmConvolutionKeepsThePatternAlongInChannelsTimesKernelAndRoundTrips()
    {
        // By hand: down 8 → 16 at 3×3, stride 2 on 16×16 → 8×8: 64 × 16 × 72 = 73,728 MACs dense, half kept; head 16 → 12: 192 → 96.
        Assert.Equal((16 * 16 * 8 * 27) + 36_864 + 96, SparseConvNetNm24.TotalMacs);
        using var dense = new SparseConvNet();
        dense.eval();
        using var variant = SparseConvNetNm24.FromDense(dense);
        variant.eval();
        Assert.IsType<NMConv2d>(At(variant, "down.0"));
        // The cost convention's weight bytes are the parameters' storage: BatchNorm's running statistics are not weights.
        var statistics = variant.state_dict().Where(p => p.Key.Contains("running_", StringComparison.Ordinal) || p.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal));
        Assert.Equal(SparseConvNetNm24.WeightBytes, StoredBytes(variant) - statistics.Sum(p => p.Value.numel() * p.Value.ElementSize));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weight = ((IQuantizedLayer)At(variant, "down.0")).Dequantize();
        Assert.Equal(new long[] { 16, 8, 3, 3 }, weight.shape);
        Assert.True(NMSparsity.Satisfies(weight, 2, 4));

        using var mask = NMSparsity.Mask(dense, 2, 4);
        Assert.Equal(["down.0.weight", "head.2.weight"], mask.Names);
        mask.Apply();
        var x = randn(4, 3, 16, 16);
        var difference = MaxDifference(variant.call(x), dense.call(x));
        output.WriteLine($"SparseConvNetNm24 vs the 2:4-masked dense model: max |difference| {difference:E2}");
        Assert.True(difference <= 1e-6, $"max difference {difference:E2}");

        using var loaded = RoundTrip(variant, () => new SparseConvNetNm24());
        loaded.eval();
        Assert.True(loaded.call(x).eq(variant.call(x)).all().item<bool>());
    }

    [Fact]
    public void LayerWiseMagnitudeConstantsAreTheNonZerosOfTheBuiltModule()
    {
        // By hand: each layer keeps weights − round(0.9 · weights): 16,384 − 14,746; 32,768 − 29,491; 1,280 − 1,152.
        // In an MLP on vectors every weight is one MAC per sample.
        Assert.Equal(1_638 + 3_277 + 128, SparseMlpSparse90.TotalMacs);
        Assert.Equal(SparseMlp.WeightBytes, SparseMlpSparse90.WeightBytes);
        using var dense = new SparseMlp();
        dense.eval();
        using var variant = SparseMlpSparse90.FromDense(dense);
        variant.eval();
        var weights = variant.state_dict();
        Assert.Equal(SparseMlpSparse90.WeightBytes, StoredBytes(variant));
        Assert.Equal(1_638, NonZeros(weights["hidden1.0.weight"]));
        Assert.Equal(3_277, NonZeros(weights["hidden2.0.weight"]));
        Assert.Equal(128, NonZeros(weights["output.weight"]));
        Assert.Equal(SparseMlpSparse90.TotalMacs, variant.EffectiveMacs());
        Assert.IsType<SparseLinear>(variant.Output);
        Assert.Contains("MACs", SparseMlpSparse90.Summary(), StringComparison.Ordinal);

        // The dense model pruned by the training utility at the same sparsity: the variant removes nothing more.
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var mask = MagnitudePruning.LayerWise(dense, 0.9);
        mask.Apply();
        var x = randn(16, 64);
        Assert.True(MaxDifference(variant.call(x), dense.call(x)) <= 1e-6);

        using var loaded = RoundTrip(variant, () => new SparseMlpSparse90());
        loaded.eval();
        foreach (var name in new[] { "hidden1.0.weight", "hidden2.0.weight", "output.weight" })
        {
            Assert.True(loaded.state_dict()[name].eq(0).eq(weights[name].eq(0)).all().item<bool>(), $"{name}: the zeros moved");
        }

        Assert.True(loaded.call(x).eq(variant.call(x)).all().item<bool>());
    }

    [Fact]
    public void GlobalMagnitudeKeepsTheTotalAndEveryLayersMinimum()
    {
        // By hand: 50,432 weights, round(0.8 · 50,432) = 40,346 pruned across the layers together.
        Assert.Equal(50_432 - 40_346, SparseMlpGlobal80.TotalMacs);
        using var dense = new SparseMlp();
        using var variant = SparseMlpGlobal80.FromDense(dense);
        Assert.Equal(SparseMlpGlobal80.TotalMacs, variant.EffectiveMacs());
        var weights = variant.state_dict();
        var kept = new[] { "hidden1.0.weight", "hidden2.0.weight", "output.weight" }.Select(n => NonZeros(weights[n])).ToArray();
        output.WriteLine("SparseMlpGlobal80 non-zeros per layer: " + string.Join(", ", kept));
        Assert.Equal(50_432 - 40_346, kept.Sum());
        Assert.True(kept[2] >= 64, $"output keeps {kept[2]} < ceil(0.05 · 1,280)");
        Assert.Contains("global ranking", SparseMlpGlobal80.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void MagnitudeOnConvolutionsCountsEachWeightOncePerOutputPosition()
    {
        // By hand (Prune = 0.7): stem 216 weights keep 65, used at 16 × 16 positions; down 1,152 keep 346 at 8 × 8; head 192 keep 58.
        Assert.Equal((256 * 65) + (64 * 346) + 58, SparseConvNetSparse70.TotalMacs);
        using var dense = new SparseConvNet();
        using var variant = SparseConvNetSparse70.FromDense(dense);
        var weights = variant.state_dict();
        var recomputed = (256 * NonZeros(weights["stem.0.weight"])) + (64 * NonZeros(weights["down.0.weight"])) + NonZeros(weights["head.2.weight"]);
        Assert.Equal(SparseConvNetSparse70.TotalMacs, recomputed);
        Assert.Equal(SparseConvNetSparse70.TotalMacs, variant.EffectiveMacs());
        Assert.IsType<TorchSharp.Modules.Conv2d>(At(variant, "down.0"));
    }

    [Fact]
    public void NinetyPercentWideLinearsComputeThroughCsrCloseToTheMaskedDenseModel()
    {
        using var dense = new WideSparseMlp();
        dense.eval();
        using var variant = WideSparseMlpSparse90.FromDense(dense);
        variant.eval();
        var mid = Assert.IsType<SparseLinear>(At(variant, "mid.0"));
        Assert.True(mid.HasCsr);
        Assert.Equal(0.1, mid.Density, 3);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var mask = MagnitudePruning.LayerWise(dense, 0.9);
        mask.Apply();
        var x = randn(8, 256);
        var expected = dense.call(x);
        var actual = variant.call(x);
        var relative = (actual - expected).norm().item<float>() / expected.norm().item<float>();
        output.WriteLine($"WideSparseMlpSparse90 (CSR) vs the masked dense model at batch 8: relative difference {relative:E2}");
        Assert.True(relative < 1e-5, $"relative difference {relative:E2}");
        Assert.Contains("CSR", WideSparseMlpSparse90.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void SparseVariantsExportToOnnxAsDenseWeights()
    {
        using var dense = new SparseMlp();
        using var sparse = SparseMlpSparse90.FromDense(dense);
        var path = Path.Combine(Path.GetTempPath(), "modeldsl-sparse-" + Guid.NewGuid().ToString("N") + ".onnx");
        try
        {
            sparse.ExportOnnx(path);
            // The float32 initializers (50,826 values) are in the file.
            Assert.True(new FileInfo(path).Length > SparseMlp.WeightBytes, "the ONNX file is smaller than the weights");
        }
        finally
        {
            File.Delete(path);
        }

        // An N:M variant exports its decompressed dense weights (ONNX Runtime parity: ModelDsl.Onnx.Tests).
        using var nm = SparseMlpNm24.FromDense(dense);
        try
        {
            nm.ExportOnnx(path);
            Assert.True(new FileInfo(path).Length > SparseMlp.WeightBytes, "the ONNX file is smaller than the dense weights");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AskingForTheSemiStructuredKernelOnCpuSaysWhy()
    {
        using var variant = new SparseMlpNm24();
        var layer = Assert.IsType<NMLinear>(variant.Output);
        Assert.False(layer.UsesSemiStructured);
        var error = Assert.Throws<NotSupportedException>(layer.RequireSemiStructured);
        Assert.Contains("CUDA", error.Message, StringComparison.Ordinal);
    }
}
