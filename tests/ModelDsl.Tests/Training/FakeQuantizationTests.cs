using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Tests.Training;

/// <summary>Fake-quantised int8 fine-tuning: the forward sees int8 weights, the float weights come back and take the step.</summary>
public sealed class FakeQuantizationTests
{
    [Fact]
    public void Inside_the_scope_weights_are_their_per_channel_int8_rounding_and_leaving_restores_them_exactly()
    {
        // PyTorch's per-channel symmetric qint8: scale = max|w| / 127.5, q = clamp(round(w / scale), −128, 127), half to even.
        // Channel 0: scale 1/127.5; 1.0 → 127.5 → 128 → clamped to 127; −0.5 → −63.75 → −64; 0.26 → 33.15 → 33.
        // Channel 1: scale 0.4/127.5; 0.1 → 31.875 → 32; 0.2 → 63.75 → 64; −0.4 → −127.5 → −128 (half to even).
        float[] weights = [1.0f, -0.5f, 0.26f, 0.1f, 0.2f, -0.4f];
        using var model = nn.Sequential(("0", nn.Linear(3, 2, hasBias: false)));
        using (no_grad())
        {
            model.get_parameter("0.weight")!.copy_(tensor(weights).reshape(2, 3));
        }
        var fakeQuant = new FakeQuantization(model);
        double s0 = 1.0 / 127.5, s1 = 0.4 / 127.5;
        double[] expected = [127 * s0, -64 * s0, 33 * s0, 32 * s1, 64 * s1, -128 * s1];
        using (fakeQuant.Quantized())
        {
            var inside = MaskTests.Values(model.get_parameter("0.weight")!);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], inside[i], 6);
            }
        }
        Assert.Equal(weights, MaskTests.Values(model.get_parameter("0.weight")!));
    }

    [Fact]
    public void A_fake_quantised_step_computes_gradients_at_the_int8_weights_and_applies_them_to_the_float_weights()
    {
        torch.manual_seed(2);
        using var model = nn.Sequential(("0", nn.Linear(8, 4, hasBias: false)));
        using var input = randn(16, 8);
        using var target = randn(16, 4);
        var weight = model.get_parameter("0.weight")!;
        using var before = weight.detach().clone();
        using var rounded = FakeQuantization.Int8Rounding(before);
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        var fakeQuant = new FakeQuantization(model);
        using (fakeQuant.Quantized())
        {
            using var loss = nn.functional.mse_loss(model.call(input), target);
            loss.backward();
        }
        optimizer.step();
        // The gradient of mean((x Wᵀ − t)²) at the rounded weights, by hand: 2/(N·4) · (x Ŵᵀ − t)ᵀ x.
        using var residual = input.matmul(rounded.t()) - target;
        using var gradient = residual.t().matmul(input) * (2.0 / (16 * 4));
        using var expected = before - gradient * 0.1;
        Assert.True(weight.allclose(expected, rtol: 1e-5, atol: 1e-6), "the step is float weights − lr · gradient at the int8 weights");
    }
}
