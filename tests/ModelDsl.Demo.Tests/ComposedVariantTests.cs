using FashionMnist;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Demo.Tests;

/// <summary>
/// The demo's composed row: FashionNetFit (widths fitted to the budget), fine-tuned, then quantised into the generated
/// FashionNetFitInt8 by <see cref="VariantCatalog.QuantizedFit"/>.
/// </summary>
public sealed class ComposedVariantTests
{
    // The three convolutions' output channels, read from a generated cost table.
    private static long[] Widths(IReadOnlyList<LayerCostInfo> table) => table.Where(l => l.Kind == "Conv2d").Select(l => (long)l.OutputShape[0]).ToArray();

    [Fact]
    public void The_fitted_int8_class_has_the_fitted_widths_and_exactly_their_int8_bytes()
    {
        var (c1, c2, c3) = (Widths(FashionNetFitInt8.CostTable)[0], Widths(FashionNetFitInt8.CostTable)[1], Widths(FashionNetFitInt8.CostTable)[2]);
        Assert.Equal<long>([c1, c2, c3], Widths(FashionNetFit.CostTable));
        Assert.True(FashionNet.TotalMacs >= 2 * FashionNetFitInt8.TotalMacs, $"{FashionNetFitInt8.TotalMacs:N0} MACs is not half of the dense {FashionNet.TotalMacs:N0}");

        // By hand. MACs: 3×3 convolutions at 28², 14² and 7² (bias-free), then Linear(49·c3 → 10).
        var macs = (784 * 9 * c1) + (196 * 9 * c1 * c2) + (49 * 9 * c2 * c3) + (490 * c3);
        Assert.True(macs == FashionNetFitInt8.TotalMacs, $"by hand {macs:N0} MACs, generated {FashionNetFitInt8.TotalMacs:N0}");

        // Stored bytes: each convolution's weights as int8 values plus one float32 scale per output channel; the batch
        // norms' weight and bias float32; the Linear's 10 × 49·c3 int8 values, 10 scales and 10 biases float32.
        var convolutionValues = (9 * c1) + (9 * c1 * c2) + (9 * c2 * c3);
        var channels = c1 + c2 + c3;
        var int8Bytes = convolutionValues + (4 * channels) + (8 * channels) + (490 * c3) + 40 + 40;
        var floatBytes = 4 * (convolutionValues + (2 * channels) + (490 * c3) + 10);
        Assert.True(int8Bytes == FashionNetFitInt8.WeightBytes, $"by hand {int8Bytes:N0} int8 weight bytes, generated {FashionNetFitInt8.WeightBytes:N0}");
        Assert.True(floatBytes == FashionNetFit.WeightBytes, $"by hand {floatBytes:N0} float32 weight bytes, generated {FashionNetFit.WeightBytes:N0}");
    }

    [Fact]
    public void Quantising_the_cut_model_stores_what_the_generated_FromDense_stores()
    {
        torch.manual_seed(11);
        using var dense = new FashionNet();
        using var fitted = FashionNetFit.FromDense(dense, PruningCriterion.L1);
        using var composed = VariantCatalog.QuantizedFit(fitted);
        using var generated = FashionNetFitInt8.FromDense(dense, PruningCriterion.L1);

        var expected = generated.state_dict();
        var actual = composed.state_dict();
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
        {
            Assert.True(tensor.shape.SequenceEqual(actual[name].shape) && tensor.equal(actual[name]).all().item<bool>(), name + " differs from FashionNetFitInt8.FromDense's");
        }
    }

    [Fact]
    public void Quantising_a_fine_tuned_fit_keeps_its_fine_tuned_weights_int8_rounded()
    {
        torch.manual_seed(12);
        using var dense = new FashionNet();
        using var fitted = FashionNetFit.FromDense(dense, PruningCriterion.L1);
        using (torch.no_grad())
        {
            // What fine-tuning does: every weight moves away from the dense model's.
            foreach (var (_, parameter) in fitted.named_parameters())
            {
                parameter.add_(torch.randn_like(parameter) * 0.05);
            }
        }

        using var composed = VariantCatalog.QuantizedFit(fitted);
        var weights = fitted.state_dict();
        var quantised = composed.named_modules().Where(m => m.module is IQuantizedLayer).ToList();
        Assert.Equal(4, quantised.Count);   // three convolutions and the classifier
        foreach (var (path, module) in quantised)
        {
            using var stored = ((IQuantizedLayer)module).Dequantize();
            using var rounded = FakeQuantization.Int8Rounding(weights[path + ".weight"]);
            Assert.True(stored.allclose(rounded, rtol: 0, atol: 1e-6), path + ": the stored int8 weight is not the fine-tuned weight's int8 rounding");
        }

        foreach (var (name, tensor) in composed.state_dict().Where(t => !quantised.Any(q => t.Key.StartsWith(q.name + ".", StringComparison.Ordinal))))
        {
            Assert.True(tensor.shape.SequenceEqual(weights[name].shape) && tensor.equal(weights[name]).all().item<bool>(), name + " is not the fine-tuned tensor");
        }
    }
}
