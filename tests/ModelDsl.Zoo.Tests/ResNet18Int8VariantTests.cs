using ModelDsl.Zoo.ResNets;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelDsl.Zoo.Tests;

/// <summary>ResNet18's generated int8 variant: convolutions and the classifier stored int8 per output channel.</summary>
public class ResNet18Int8VariantTests(ITestOutputHelper output)
{
    [Fact]
    public void TheInt8VariantsWeightBytesAreItsStoredWeightsAndAQuarterOfFloat32()
    {
        using var variant = new ResNet18Int8();
        // Running statistics are buffers, outside WeightBytes as in the dense model; everything else the state dict holds.
        var stored = variant.state_dict()
            .Where(e => !e.Key.EndsWith("running_mean", StringComparison.Ordinal) && !e.Key.EndsWith("running_var", StringComparison.Ordinal) && !e.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            .Sum(e => e.Value.numel() * e.Value.ElementSize);
        Assert.Equal(ResNet18Int8.WeightBytes, stored);
        Assert.Equal(ResNet18.TotalMacs, ResNet18Int8.TotalMacs);
        output.WriteLine($"ResNet18Int8.WeightBytes / ResNet18.WeightBytes = {ResNet18Int8.WeightBytes:N0} / {ResNet18.WeightBytes:N0} = {(double)ResNet18Int8.WeightBytes / ResNet18.WeightBytes:F4}");
        Assert.True(ResNet18Int8.WeightBytes <= 0.26 * ResNet18.WeightBytes);
    }

    [Fact]
    public void FromDenseStaysCloseToTheDenseResNet18()
    {
        using var dense = new ResNet18();
        dense.eval();
        using var variant = ResNet18Int8.FromDense(dense);
        variant.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(2, 3, 224, 224);
        var expected = dense.call(x);
        var error = (variant.call(x) - expected).norm().item<float>() / expected.norm().item<float>();
        output.WriteLine($"ResNet18Int8 relative output error vs ResNet18: {error:E2}");
        Assert.True(error < 5e-2, $"relative error {error:E2}");
    }
}
