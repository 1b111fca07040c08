using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// A layer whose state dict holds its weight in a compressed form (<see cref="Int8Linear"/>, <see cref="Int4Linear"/>,
/// <see cref="Int8Conv2d"/>) and which keeps a run-time form derived from it (a packed int8 matrix, a dequantised float32
/// weight). The derived
/// form is rebuilt by <see cref="Refresh"/>, which the weight loaders (<c>LoadSafeTensors</c>, <c>LoadPyTorch</c>,
/// <c>LoadStateDictChecked</c>) call after copying; after writing the stored tensors by any other means, call it yourself.
/// </summary>
public interface IQuantizedLayer
{
    /// <summary>Quantises the float32 <paramref name="weight"/> (a Linear's [out, in], a convolution's [out, in / groups, k, k]) and copies <paramref name="bias"/> [out] into this layer's stored tensors, then refreshes.</summary>
    void Quantize(Tensor weight, Tensor? bias);

    /// <summary>Rebuilds the run-time form from the stored tensors.</summary>
    void Refresh();

    /// <summary>The weight the layer computes with, dequantised to float32 in the dense weight's shape (a new tensor).</summary>
    Tensor Dequantize();
}

/// <summary>Helpers shared by the quantised layers.</summary>
public static class QuantizedLayers
{
    /// <summary>Calls <see cref="IQuantizedLayer.Refresh"/> on <paramref name="module"/> and every module inside it.</summary>
    public static void RefreshAll(nn.Module module)
    {
        if (module is IQuantizedLayer self)
        {
            self.Refresh();
        }
        foreach (var (_, child) in module.named_modules())
        {
            if (child is IQuantizedLayer layer)
            {
                layer.Refresh();
            }
        }
    }

    // What a failed TorchScript call says: its first line is only "The following operation failed in the TorchScript
    // interpreter."; the cause is the libtorch error line further down (RuntimeError: …), cut at its first sentence.
    internal static string NativeReason(Exception e)
    {
        var lines = e.Message.Split('\n');
        var cause = lines.FirstOrDefault(l => l.Contains("Error: ", StringComparison.Ordinal)) ?? lines[0];
        cause = cause[(cause.IndexOf("Error: ", StringComparison.Ordinal) is var at && at >= 0 ? at + 7 : 0)..].Trim();
        var end = cause.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? cause[..(end + 1)] : cause;
    }

    // A derived form made on another device than its stored tensors (the module was moved) is rebuilt. Device is a
    // class: compare type and index, not references.
    internal static bool SameDevice(Tensor a, Tensor b) => a.device_type == b.device_type && a.device_index == b.device_index;

    internal static void CheckWeight(string layer, long[] shape, Tensor weight, Tensor? bias, bool hasBias)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var outFeatures = shape[0];
        if (!weight.shape.SequenceEqual(shape))
        {
            throw new ArgumentException($"{layer}: the dense weight must be {LayerBase.FormatShape(shape)}, got {LayerBase.FormatShape(weight.shape)}", nameof(weight));
        }
        if (!weight.is_floating_point())
        {
            throw new ArgumentException($"{layer}: the dense weight must be floating point, got {weight.dtype}", nameof(weight));
        }
        if (hasBias != bias is not null)
        {
            throw new ArgumentException(hasBias ? $"{layer} has a bias and none was given" : $"{layer} has no bias and one was given", nameof(bias));
        }
        if (bias is not null && (bias.dim() != 1 || bias.shape[0] != outFeatures))
        {
            throw new ArgumentException($"{layer}: the dense bias must be [{outFeatures}], got {LayerBase.FormatShape(bias.shape)}", nameof(bias));
        }
        using var noGrad = no_grad();
        if (!weight.isfinite().all().item<bool>())
        {
            throw new ArgumentException($"{layer}: the dense weight holds NaN or infinity; nothing was quantised", nameof(weight));
        }
    }
}
