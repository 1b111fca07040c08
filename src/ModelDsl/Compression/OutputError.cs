using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// How far a lossy variant's outputs are from its dense model's on the same inputs — what int8, int4, low-rank and sparse
/// variants trade for their size, measured rather than assumed (<see cref="Measure"/>).
/// </summary>
/// <param name="Relative">‖variant − dense‖ / ‖dense‖ over the whole batch (Frobenius norms, float64).</param>
/// <param name="MaxAbsolute">The largest |variant − dense| of any element.</param>
/// <param name="Top1Agreement">The fraction of rows whose largest output (the predicted class) is the same index.</param>
public sealed record OutputError(double Relative, double MaxAbsolute, double Top1Agreement)
{
    /// <summary>
    /// Runs <paramref name="dense"/> and <paramref name="variant"/> in inference form (eval, no gradients; each module's
    /// training flag is restored) on <paramref name="input"/> and compares their outputs.
    /// </summary>
    /// <exception cref="ArgumentException">The two outputs differ in shape, or are not [batch, …] with at least one element.</exception>
    public static OutputError Measure(nn.Module<Tensor, Tensor> dense, nn.Module<Tensor, Tensor> variant, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        var expected = Evaluate(dense, input);
        var actual = Evaluate(variant, input);
        if (!expected.shape.SequenceEqual(actual.shape))
        {
            throw new ArgumentException(
                $"the variant's output {LayerBase.FormatShape(actual.shape)} does not match the dense model's {LayerBase.FormatShape(expected.shape)}", nameof(variant));
        }
        if (expected.dim() < 1 || expected.numel() == 0)
        {
            throw new ArgumentException($"outputs {LayerBase.FormatShape(expected.shape)} have no [batch, …] elements to compare", nameof(input));
        }

        var d = expected.to(ScalarType.Float64);
        var v = actual.to(ScalarType.Float64);
        var difference = v - d;
        var norm = d.norm().item<double>();
        var relative = norm == 0 ? (difference.norm().item<double>() == 0 ? 0 : double.PositiveInfinity) : difference.norm().item<double>() / norm;
        var rows = d.reshape(d.shape[0], -1);
        var agreement = rows.argmax(1).eq(v.reshape(v.shape[0], -1).argmax(1)).to(ScalarType.Float64).mean().item<double>();
        return new OutputError(relative, difference.abs().max().item<double>(), agreement);
    }

    private static Tensor Evaluate(nn.Module<Tensor, Tensor> module, Tensor input)
    {
        var training = module.training;
        module.eval();
        try
        {
            using var noGrad = no_grad();
            return module.call(input);
        }
        finally
        {
            module.train(training);
        }
    }
}
