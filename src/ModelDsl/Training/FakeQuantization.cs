using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Quantisation-aware fine-tuning for int8 weights: inside <see cref="Quantized"/>, every covered weight holds its
/// symmetric per-output-channel int8 rounding (scale max|w_c| / 127.5, zero point 0, as the generated int8 variants
/// quantise), so the forward and backward passes see the weights the int8 model will
/// have (the arithmetic of <c>torch.fake_quantize_per_channel_affine</c>, which TorchSharp 0.107 declares but marks
/// obsolete, "not implemented"); leaving restores the float weights exactly, and the optimizer step then applies the gradients to them
/// (the straight-through estimator: the rounding is treated as the identity for the gradient).
/// </summary>
/// <example><code>
/// var fakeQuant = new FakeQuantization(model);
/// using (fakeQuant.Quantized()) { loss = ...; loss.backward(); }
/// optimizer.step();
/// </code></example>
public sealed class FakeQuantization
{
    private readonly List<(string Name, Parameter Weight)> weights;

    /// <param name="module">The module to fine-tune.</param>
    /// <param name="names">The weights to quantise; default every Linear and convolution weight (2-d or more, *.weight).</param>
    public FakeQuantization(nn.Module module, IEnumerable<string>? names = null)
    {
        weights = WeightMask.Select(module, names);
    }

    /// <summary>The covered weights' names.</summary>
    public IReadOnlyList<string> Names => weights.Select(w => w.Name).ToList();

    /// <summary>Replaces every covered weight by its int8 rounding until the returned scope is disposed, which puts the float weights back.</summary>
    public IDisposable Quantized()
    {
        var saved = new List<(Parameter Weight, Tensor Float)>();
        var restore = new Restore(saved);
        using var noGrad = no_grad();
        try
        {
            foreach (var (_, weight) in weights)
            {
                var original = weight.detach().clone().DetachFromDisposeScope();
                saved.Add((weight, original));
                using var scope = NewDisposeScope();
                weight.copy_(Int8Rounding(original));
            }
        }
        catch
        {
            restore.Dispose();   // a failure part-way leaves every weight as it was
            throw;
        }
        return restore;
    }

    /// <summary>
    /// The symmetric per-channel int8 rounding of <paramref name="weight"/> (channels along dim 0), as float: PyTorch's
    /// per-channel symmetric qint8 observer and quantiser (<c>per_channel_dynamic_qconfig</c>), scale = max(max|w_c| / 127.5, ε)
    /// with ε = 2⁻²³, q = clamp(round(w × (1 / scale)), −128, 127) rounded half to even, value q × scale — the values an
    /// int8 variant built from the fine-tuned weights stores.
    /// </summary>
    public static Tensor Int8Rounding(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var value = weight.detach().to(ScalarType.Float32);
        var shape = Enumerable.Repeat(1L, (int)value.dim()).ToArray();
        shape[0] = -1;
        var scale = value.abs().flatten(1).amax([1]).div(127.5f).clamp_min(1.1920929e-07f).view(shape);
        return value.mul(scale.reciprocal()).round().clamp(-128, 127).mul(scale).to(weight.dtype).MoveToOuterDisposeScope();
    }

    private sealed class Restore(List<(Parameter Weight, Tensor Float)> saved) : IDisposable
    {
        public void Dispose()
        {
            using var noGrad = no_grad();
            foreach (var (weight, original) in saved)
            {
                weight.copy_(original);
                original.Dispose();
            }
            saved.Clear();
        }
    }
}
