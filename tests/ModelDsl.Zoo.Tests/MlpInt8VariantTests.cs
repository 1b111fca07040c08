using ModelDsl.Zoo.Classic;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelDsl.Zoo.Tests;

/// <summary>The zoo Mlp's generated int8 variant ([Variant("Int8", Weights = Precision.Int8)]), built from the dense model by FromDense.</summary>
public class MlpInt8VariantTests(ITestOutputHelper output)
{
    [Fact]
    public void TheInt8VariantsWeightBytesAreItsStateDictsBytes()
    {
        // By hand: each Linear stores out × in int8 values and out float32 scales and biases (8 bytes per output).
        const long expected = (784 * 256) + (256 * 8) + (256 * 128) + (128 * 8) + (128 * 10) + (10 * 8);
        Assert.Equal(expected, MlpInt8.WeightBytes);
        using var variant = new MlpInt8();
        Assert.Equal(expected, variant.state_dict().Values.Sum(t => t.numel() * t.ElementSize));
        Assert.True(MlpInt8.WeightBytes <= 0.26 * Mlp.WeightBytes);
        Assert.Equal(Mlp.TotalMacs, MlpInt8.TotalMacs);
    }

    [Fact]
    public void FromDenseIsCloseToTheDenseMlpAndLoadsBackStrictly()
    {
        using var dense = new Mlp();
        dense.eval();
        using var variant = MlpInt8.FromDense(dense);
        variant.eval();
        var path = Path.Combine(Path.GetTempPath(), "modeldsl-mlpint8-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            variant.SaveSafeTensors(path);
            using var loaded = new MlpInt8();
            loaded.LoadSafeTensors(path);
            loaded.eval();

            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = rand(32, 784);
            var expected = dense.call(x);
            var actual = variant.call(x);
            var error = (actual - expected).norm().item<float>() / expected.norm().item<float>();
            output.WriteLine($"MlpInt8 relative output error vs Mlp: {error:E2}");
            Assert.True(error < 3e-2, $"relative error {error:E2}");
            Assert.True(actual.eq(loaded.call(x)).all().item<bool>(), "the loaded variant computes differently");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
