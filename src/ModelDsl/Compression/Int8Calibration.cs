using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// The calibration pass that switches a model's <see cref="Int8Conv2d"/> layers to int8 compute: static activation
/// quantisation needs each convolution's input and output range, which only data shows. Int8 Linears need none
/// (their activations are quantised per call).
/// </summary>
public static class Int8Calibration
{
    /// <summary>
    /// Runs <paramref name="batches"/> through <paramref name="model"/> (eval mode, no gradients, float32 compute),
    /// recording every <see cref="Int8Conv2d"/>'s input and output range over all of them (and, where a batch norm alone
    /// reads the output, the range after the norm, for <see cref="BatchNormFolding"/>), then calibrates each with its
    /// range (<see cref="Int8Conv2d.Calibrate"/>). Pass inputs like the ones the model will see (a few hundred
    /// images of the training distribution is PyTorch's usual advice): values outside the observed ranges are clamped.
    /// Returns the number of convolutions calibrated. The model is left in eval mode.
    /// </summary>
    public static int Run(nn.Module<Tensor, Tensor> model, params Tensor[] batches)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batches);
        if (batches.Length == 0)
        {
            throw new ArgumentException("Int8Calibration.Run needs at least one calibration batch", nameof(batches));
        }
        var layers = Int8Layers(model);
        if (layers.Count == 0)
        {
            // An int8 model of Linears only (an MLP's variant) is ready as it is: say so rather than only what is missing.
            var linears = model.modules().OfType<Int8Linear>().Any()
                ? "; its Int8Linear layers quantise their activations per call and need no calibration"
                : "";
            throw new ArgumentException($"Int8Calibration.Run: {model.GetName()} has no Int8Conv2d to calibrate{linears}", nameof(model));
        }

        model.eval();

        // A convolution whose output only a batch norm reads also records the range after the norm, which a fold of the
        // two needs (BatchNormFolding.Fold, before or after this pass).
        var norms = BatchNormFolding.Pairs(model).Where(p => p.Conv is Int8Conv2d).ToDictionary(p => (Int8Conv2d)p.Conv, p => p.Norm);
        foreach (var (_, layer) in layers)
        {
            layer.BeginObserving(norms.GetValueOrDefault(layer));
        }
        try
        {
            using var noGrad = no_grad();
            foreach (var batch in batches)
            {
                model.call(batch).Dispose();
            }
        }
        catch
        {
            foreach (var (_, layer) in layers)
            {
                layer.EndObserving();
            }
            throw;
        }

        var ranges = layers.Select(l => (l.Name, l.Layer, Range: l.Layer.EndObserving())).ToList();
        // Every convolution must have run, or part of the model would silently stay float32.
        if (ranges.FirstOrDefault(r => r.Range is null) is { Layer: not null } missing)
        {
            throw new InvalidOperationException($"Int8Calibration.Run: the Int8Conv2d '{missing.Name}' of {model.GetName()} did not run on the calibration batches; nothing was calibrated");
        }
        foreach (var (_, layer, range) in ranges)
        {
            layer.CalibrateFor(range!, norms.GetValueOrDefault(layer));
        }
        return layers.Count;
    }

    /// <summary>Returns every <see cref="Int8Conv2d"/> in <paramref name="model"/> to float32 compute.</summary>
    public static void Clear(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var (_, layer) in Int8Layers(model))
        {
            layer.ClearCalibration();
        }
    }

    private static List<(string Name, Int8Conv2d Layer)> Int8Layers(nn.Module model) =>
        model is Int8Conv2d self
            ? [(model.GetName(), self)]
            : [.. model.named_modules().Where(m => m.module is Int8Conv2d).Select(m => (m.name, (Int8Conv2d)m.module))];
}
