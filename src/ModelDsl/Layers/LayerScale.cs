using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Layer scale: the input times a learned vector, one entry per channel — [C, 1, 1] broadcast over images [N, C, H, W]
/// (ConvNeXt's <c>layer_scale</c>), [D] over tokens or vectors; every entry starts at
/// <c>value</c>. A bare parameter of its parent (<see cref="ParameterLayer.AttachTo"/>), named <c>layer_scale</c> alone.
/// </summary>
public sealed class LayerScale : ParameterLayer
{
    /// <summary>Creates the scale over <paramref name="channels"/> channels of an image (<paramref name="image"/>) or features.</summary>
    public LayerScale(long channels, bool image, double value = 1e-6)
        : base(nameof(LayerScale), "layer_scale", (image ? ones(channels, 1, 1) : ones(channels)) * value) => (Channels, Image) = (channels, image);

    /// <summary>Channels (of an image) or features (the last dimension).</summary>
    public long Channels { get; }

    /// <summary>Whether the scale is [C, 1, 1] over images rather than [D] over the last dimension.</summary>
    public bool Image { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var fits = Image ? input.dim() == 4 && input.shape[1] == Channels : input.dim() >= 2 && input.shape[^1] == Channels;
        if (!fits)
        {
            throw ShapeError(Image ? $"[N, {Invariant(Channels)}, H, W]" : $"[N, …, {Invariant(Channels)}]", input);
        }

        return input.mul(Parameter);
    }
}
