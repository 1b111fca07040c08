using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>
/// The weight-transform variants as a user gets them from the build: [Variant("Int8", Weights = Precision.Int8)],
/// Precision.Int4, Rank = r and KeepChannels with int8. Each is an ordinary class whose compile-time constants are the
/// built module's, built from a trained dense model by FromDense, saved and loaded strictly as its own state dict.
/// </summary>
public class WeightTransformTests(ITestOutputHelper output)
{
    // The bytes of everything the module stores: what its safetensors file holds, scales and biases included.
    private static long StoredBytes(nn.Module module) => module.state_dict().Values.Sum(t => t.numel() * t.ElementSize);

    private static double Relative(Tensor actual, Tensor expected) =>
        (actual - expected).norm().item<float>() / (double)expected.norm().item<float>();

    private static T RoundTrip<T>(T variant, Func<T> fresh) where T : nn.Module
    {
        var path = Path.Combine(Path.GetTempPath(), "modeldsl-wt-" + Guid.NewGuid().ToString("N") + ".safetensors");
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
    public void Int8ConstantsAreTheBytesOfTheBuiltModule()
    {
        using var variant = new SmallMlpInt8();
        // By hand: each Linear stores out × in int8 values, out float32 scales and out float32 biases.
        // hidden1 64→256: 16,384 + 1,024 + 1,024; hidden2 256→128: 32,768 + 512 + 512; output 128→10: 1,280 + 40 + 40.
        Assert.Equal(18_432 + 33_792 + 1_360, SmallMlpInt8.WeightBytes);
        Assert.Equal(SmallMlpInt8.WeightBytes, StoredBytes(variant));
        Assert.Equal(SmallMlp.TotalMacs, SmallMlpInt8.TotalMacs);
        Assert.Equal(SmallMlp.TotalParameters, SmallMlpInt8.TotalParameters);
        Assert.IsType<Int8Linear>(variant.Output);
        Assert.Equal(ScalarType.Int8, variant.state_dict()["hidden2.0.weight"].dtype);
    }

    [Fact]
    public void Int8FromDenseIsCloseToTheDenseModelAndRoundTripsStrictly()
    {
        using var dense = new SmallMlp();
        dense.eval();
        using var variant = SmallMlpInt8.FromDense(dense);
        variant.eval();
        using var loaded = RoundTrip(variant, () => new SmallMlpInt8());
        loaded.eval();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(64, 64);
        var expected = dense.call(x);
        var actual = variant.call(x);
        var error = Relative(actual, expected);
        output.WriteLine($"SmallMlpInt8 relative output error vs SmallMlp: {error:E2}");
        Assert.True(error < 3e-2, $"relative error {error:E2}");
        Assert.True(actual.eq(loaded.call(x)).all().item<bool>(), "the loaded variant computes differently");
    }

    [Fact]
    public void WeightByteRatiosOfAnMlpBlockAreAQuarterForInt8AndUnderAnEighthPlusScalesForInt4()
    {
        // By hand for 256 → 1024 → 256 without biases (524,288 weights, 2,097,152 float32 bytes):
        // int8: 524,288 values + (1,024 + 256) scales × 4 = 529,408; int4: 262,144 bytes of nibbles + scales per
        // 128 inputs: 1,024 × 2 + 256 × 8 = 4,096 scales × 4 = 16,384 → 278,528.
        Assert.Equal(2_097_152, TokenMlp.WeightBytes);
        Assert.Equal(529_408, TokenMlpInt8.WeightBytes);
        Assert.Equal(278_528, TokenMlpInt4.WeightBytes);
        using var int8 = new TokenMlpInt8();
        using var int4 = new TokenMlpInt4();
        Assert.Equal(TokenMlpInt8.WeightBytes, StoredBytes(int8));
        Assert.Equal(TokenMlpInt4.WeightBytes, StoredBytes(int4));
        Assert.True(TokenMlpInt8.WeightBytes <= 0.26 * TokenMlp.WeightBytes);
        Assert.True(TokenMlpInt4.WeightBytes <= 0.14 * TokenMlp.WeightBytes);
        Assert.True(StoredBytes(int4) <= 0.14 * StoredBytes(new TokenMlp()));
    }

    [Fact]
    public void Int4VariantStoresPackedWeightsDequantisesAtLoadAndItsErrorIsBounded()
    {
        using var dense = new TokenMlp();
        using var variant = TokenMlpInt4.FromDense(dense);
        Assert.Equal(ScalarType.Byte, variant.state_dict()["mlp.fc.weight_packed"].dtype);
        Assert.Equal(new long[] { 1024, 128 }, variant.state_dict()["mlp.fc.weight_packed"].shape);
        Assert.Contains("dequantised once to float32 at load", TokenMlpInt4.Summary(), StringComparison.Ordinal);
        // Which Linears the CUDA int4 kernel can take, by hand from the shapes (inputs a multiple of 128, outputs of 8):
        // 256 → 1024 → 256 both; SmallMlp's 64 → 256 (64 inputs), 256 → 128, 128 → 10 (10 outputs); its half-width
        // 64 → 128 (64 inputs), 128 → 64, 64 → 10 (64 inputs).
        Assert.Contains("here 2 of 2 can.", TokenMlpInt4.Summary(), StringComparison.Ordinal);
        Assert.Contains("here 1 of 3 can (not ", SmallMlpInt4.Summary(), StringComparison.Ordinal);
        Assert.Contains(": 64 inputs, ", SmallMlpInt4.Summary(), StringComparison.Ordinal);
        Assert.Contains(": 10 outputs; they compute dequantised)", SmallMlpInt4.Summary(), StringComparison.Ordinal);
        Assert.Contains("here 1 of 3 can (not ", SmallMlpHalfInt4.Summary(), StringComparison.Ordinal);
        Assert.Contains(": 64 inputs; they compute dequantised)", SmallMlpHalfInt4.Summary(), StringComparison.Ordinal);
        output.WriteLine(SmallMlpInt4.Summary().Split('\n')[^1]);
        using var loaded = RoundTrip(variant, () => new TokenMlpInt4());

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(4, 8, 256);
        var error = Relative(variant.call(x), dense.call(x));
        output.WriteLine($"TokenMlpInt4 relative output error vs TokenMlp: {error:E2}");
        Assert.True(error < 0.15, $"relative error {error:E2}");
        Assert.True(variant.call(x).eq(loaded.call(x)).all().item<bool>(), "the loaded variant computes differently");

        // No CUDA backend here: moving the variant to CUDA is a .NET exception (TorchSharp's; checked in a child process
        // first that it does not abort), and the variant stays on the CPU, computing as before.
        var before = variant.call(x);
        var move = Assert.Throws<InvalidOperationException>(() => variant.to(DeviceType.CUDA));
        Assert.Contains("CUDA", move.Message, StringComparison.Ordinal);
        Assert.True(variant.call(x).eq(before).all().item<bool>());

    }

    [Fact]
    public void TheSummarysInt4KernelRuleIsTheRuntimes()
    {
        // Summary() decides from compile-time shapes (ModelDsl.Spec), Int4Linear at run time: they must agree.
        foreach (var inFeatures in new long[] { 64, 128, 130, 256, 384, 784, 1024, 4096 })
        {
            foreach (var outFeatures in new long[] { 8, 10, 16, 64, 1000, 1001 })
            {
                Assert.Equal(
                    ModelDsl.Spec.Quantization.Int4KernelRefusal(inFeatures, outFeatures) is null,
                    Int4Linear.CudaKernelShapeRefusal(inFeatures, outFeatures) is null);
            }
        }
        // By hand: 784 = 6·128 + 16; 1000 = 125·8; 1001 is odd.
        Assert.Null(Int4Linear.CudaKernelShapeRefusal(4096, 1000));
        Assert.NotNull(Int4Linear.CudaKernelShapeRefusal(784, 1000));
        Assert.NotNull(Int4Linear.CudaKernelShapeRefusal(4096, 1001));
    }

    [Fact]
    public void TorchSharpsLoadStateDictRebuildsTheQuantisedAndSparseLayers()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Two dense models with different initial weights; each variant loads the other's state dict through
        // TorchSharp's own load_state_dict and must then compute exactly as the other (not with its earlier weights).
        using var int4 = TokenMlpInt4.FromDense(new TokenMlp());
        using var int4Source = TokenMlpInt4.FromDense(new TokenMlp());
        using var int8 = SmallMlpInt8.FromDense(new SmallMlp());
        using var int8Source = SmallMlpInt8.FromDense(new SmallMlp());
        using var nm = SparseMlpNm24.FromDense(new SparseMlp());
        using var nmSource = SparseMlpNm24.FromDense(new SparseMlp());
        var tokens = randn(2, 8, 256);
        var features = randn(3, 64);
        Assert.False(int4.call(tokens).eq(int4Source.call(tokens)).all().item<bool>());
        int4.load_state_dict(int4Source.state_dict());
        int8.load_state_dict(int8Source.state_dict());
        nm.load_state_dict(nmSource.state_dict());
        Assert.True(int4.call(tokens).eq(int4Source.call(tokens)).all().item<bool>());
        Assert.True(int8.call(features).eq(int8Source.call(features)).all().item<bool>());
        Assert.True(nm.call(features).eq(nmSource.call(features)).all().item<bool>());
    }

    [Fact]
    public void LowRankConstantsAreTheBuiltModule()
    {
        using var variant = new SmallMlpLr();
        // By hand at rank 8, rank × (in + out) per Linear: 8 × 320 + 8 × 384 + 8 × 138.
        Assert.Equal(2_560 + 3_072 + 1_104, SmallMlpLr.TotalMacs);
        Assert.Equal(SmallMlpLr.TotalParameters, variant.parameters().Sum(p => p.numel()));
        Assert.Equal(SmallMlpLr.WeightBytes, StoredBytes(variant));
        Assert.Equal(new long[] { 8, 64 }, variant.state_dict()["hidden1.0.0.weight"].shape);
        Assert.Equal(new long[] { 256, 8 }, variant.state_dict()["hidden1.0.1.weight"].shape);
        Assert.False(variant.state_dict().ContainsKey("hidden1.0.0.bias"));
    }

    [Fact]
    public void LowRankFactorsAreTheBestRankRApproximation()
    {
        using var dense = new SmallMlp();
        using var variant = SmallMlpLr.FromDense(dense);
        using var scope = NewDisposeScope();
        var weights = variant.state_dict();
        var w = dense.state_dict()["hidden2.0.weight"].to(ScalarType.Float64);
        var product = weights["hidden2.0.1.weight"].to(ScalarType.Float64).matmul(weights["hidden2.0.0.weight"].to(ScalarType.Float64));
        // Eckart–Young: the best rank-8 error in the Frobenius norm is the energy of the singular values past the 8th.
        var sigma = linalg.svdvals(w);
        var best = sigma.narrow(0, 8, sigma.shape[0] - 8).square().sum().item<double>();
        var actual = (w - product).square().sum().item<double>();
        Assert.True(Math.Abs(actual - best) <= 1e-4 * best, $"error² {actual} vs the best rank-8 {best}");
        Assert.True(weights["hidden2.0.1.bias"].eq(dense.state_dict()["hidden2.0.bias"]).all().item<bool>());

        using var loaded = RoundTrip(variant, () => new SmallMlpLr());
        var x = randn(3, 64);
        Assert.True(variant.call(x).eq(loaded.call(x)).all().item<bool>());
    }

    [Fact]
    public void AFullRankFactorisationReproducesTheDenseWeight()
    {
        using var scope = NewDisposeScope();
        var w = randn(48, 32);
        var (first, second) = Compression.Factor(w, 32);
        var x = randn(5, 32);
        var difference = (nn.functional.linear(nn.functional.linear(x, first), second) - nn.functional.linear(x, w)).abs().max().item<float>();
        Assert.True(difference < 1e-5f, "largest difference " + difference);
        Assert.Throws<ArgumentException>(() => Compression.Factor(w, 33));
    }

    [Fact]
    public void PruneThenInt8OfZeroChannelsComputesExactlyAsTheInt8Variant()
    {
        // By hand: HalfInt8 keeps 128 of hidden1's 256 outputs and 64 of hidden2's 128; each Linear stores out × in int8
        // values and out scales and biases: 128 × 64 + 1,024; 64 × 128 + 512; 10 × 64 + 80.
        Assert.Equal(9_216 + 8_704 + 720, SmallMlpHalfInt8.WeightBytes);
        using (var built = new SmallMlpHalfInt8())
        {
            Assert.Equal(SmallMlpHalfInt8.WeightBytes, StoredBytes(built));
        }

        // Half the channels of each hidden layer carry nothing. Per-channel int8 quantises each kept row as the dense
        // int8 variant does, and a zero column adds nothing to the int32 sums: pruning then quantising must compute what
        // quantising alone computes.
        using var dense = new SmallMlp();
        ModelDsl.Testing.ZeroChannelGroups.Apply(dense, seed: 3, [["hidden1.0."], ["hidden2.0."]]);
        // The weights that read a dead channel are zeroed too: each row's int8 scale is its largest |w|, which must not
        // come from a column the pruned model does not have.
        using (no_grad())
        {
            var state = dense.state_dict();
            foreach (var (producer, reader) in new[] { ("hidden1.0.weight", "hidden2.0.weight"), ("hidden2.0.weight", "output.weight") })
            {
                var dead = state[producer].abs().sum([1]).eq(0).nonzero().flatten();
                Assert.Equal(state[producer].shape[0] / 2, dead.shape[0]);
                state[reader].index_fill_(1, dead, 0);
            }
        }

        using var pruned = SmallMlpHalfInt8.FromDense(dense);
        using var quantised = SmallMlpInt8.FromDense(dense);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(16, 64);
        var difference = (pruned.call(x) - quantised.call(x)).abs().max().item<float>();
        Assert.True(difference < 1e-5f, "largest difference " + difference);
        var error = Relative(pruned.call(x), dense.call(x));
        output.WriteLine($"SmallMlpHalfInt8 relative output error vs the zero-channel SmallMlp: {error:E2}");
        Assert.True(error < 3e-2);
    }

    [Fact]
    public void EveryVariantSummaryShowsDenseAndEffectiveCostSideBySide()
    {
        Assert.Contains("Weight bytes      203,304        53,584  0.264x", SmallMlpInt8.Summary(), StringComparison.Ordinal);
        Assert.Contains("MACs               50,432       6,736  0.134x", SmallMlpLr.Summary(), StringComparison.Ordinal);
        Assert.Contains("Cost per sample  SmallMlp  SmallMlpHalfInt8", SmallMlpHalfInt8.Summary(), StringComparison.Ordinal);
        Assert.Contains("Cost per sample  TinyResNet  TinyResNetHalf", TinyResNetHalf.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnInt8ConvNetStoresItsConvolutionsInt8AndStaysCloseToTheDenseModel()
    {
        // By hand, int8 values + 4-byte scales per output channel for every conv and the Linear (+ its 4-byte biases),
        // float32 for the norms' parameters: stem 216 + 32, bn 64; conv1 1,152 + 64, bn1 128; conv2 2,304 + 64, bn2 128;
        // projection 128 + 64, its bn 128; head 160 + 40 + 40. Running statistics are buffers, outside WeightBytes as in
        // the dense model.
        Assert.Equal(248 + 64 + 1_216 + 128 + 2_368 + 128 + 192 + 128 + 240, TinyConvNetInt8.WeightBytes);
        using var dense = new TinyConvNet();
        dense.eval();
        using var variant = TinyConvNetInt8.FromDense(dense);
        variant.eval();
        var stored = variant.state_dict()
            .Where(e => !e.Key.EndsWith("running_mean", StringComparison.Ordinal) && !e.Key.EndsWith("running_var", StringComparison.Ordinal) && !e.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            .Sum(e => e.Value.numel() * e.Value.ElementSize);
        Assert.Equal(TinyConvNetInt8.WeightBytes, stored);
        Assert.Equal(ScalarType.Int8, variant.state_dict()["down.downsample.0.weight"].dtype);
        Assert.Contains("Conv2d: int8 weights per output channel; computes in int8 (static uint8 activations, quantized::conv2d) once Int8Calibration.Run has calibrated it, in float32 (dequantised once at load) until then.", TinyConvNetInt8.Summary(), StringComparison.Ordinal);
        using var loaded = RoundTrip(variant, () => new TinyConvNetInt8());
        loaded.eval();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(4, 3, 16, 16);
        var error = Relative(variant.call(x), dense.call(x));
        output.WriteLine($"TinyConvNetInt8 relative output error vs TinyConvNet: {error:E2}");
        Assert.True(error < 3e-2, $"relative error {error:E2}");
        Assert.True(variant.call(x).eq(loaded.call(x)).all().item<bool>(), "the loaded variant computes differently");

        // Calibrated, every convolution (stem, conv1, conv2, the projection: 4) computes in int8 and the output stays
        // as close; a loaded copy computes in float32 until it is calibrated too, then exactly as the calibrated original.
        Assert.Equal(4, Int8Calibration.Run(variant, x));
        Assert.All(variant.modules().OfType<Int8Conv2d>(), conv => Assert.NotNull(conv.Calibration));
        var calibrated = Relative(variant.call(x), dense.call(x));
        output.WriteLine($"calibrated (int8 convolutions): relative output error {calibrated:E2}");
        Assert.True(calibrated < 3e-2, $"relative error {calibrated:E2}");
        Assert.All(loaded.modules().OfType<Int8Conv2d>(), conv => Assert.Null(conv.Calibration));
        Int8Calibration.Run(loaded, x);
        Assert.True(variant.call(x).eq(loaded.call(x)).all().item<bool>(), "the calibrated loaded variant computes differently");
    }

    [Fact]
    public void PruneThenInt4StoresTheCutWeightsPacked()
    {
        // By hand: 64 → 128: 128 × 32 bytes + 128 × 1 group scale × 4 + 128 × 4 bias; 128 → 64: 64 × 64 + 64 × 4 + 64 × 4;
        // 64 → 10: 10 × 32 + 10 × 4 + 10 × 4.
        Assert.Equal(5_120 + 4_608 + 400, SmallMlpHalfInt4.WeightBytes);
        using var dense = new SmallMlp();
        ModelDsl.Testing.ZeroChannelGroups.Apply(dense, seed: 4, [["hidden1.0."], ["hidden2.0."]]);
        using var variant = SmallMlpHalfInt4.FromDense(dense);
        Assert.Equal(SmallMlpHalfInt4.WeightBytes, StoredBytes(variant));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(16, 64);
        var error = Relative(variant.call(x), dense.call(x));
        output.WriteLine($"SmallMlpHalfInt4 relative output error vs the zero-channel SmallMlp: {error:E2}");
        Assert.True(error < 0.15, $"relative error {error:E2}");
    }
}
