using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// LayerNorm over the channels of images [N, C, H, W] at each position (torchvision's ConvNeXt <c>LayerNorm2d</c>: to
/// channels-last, <c>layer_norm</c> over C, back). State dict: <c>weight</c> and <c>bias</c> [C] (ones and zeros initially).
/// </summary>
public sealed class LayerNorm2d : LayerBase
{
    /// <summary>Creates the norm over <paramref name="channels"/> channels.</summary>
    public LayerNorm2d(long channels, double eps = 1e-5) : base(nameof(LayerNorm2d))
    {
        (Channels, Eps) = (channels, eps);
        RegisterParameter("weight", ones(channels));
        RegisterParameter("bias", zeros(channels));
    }

    /// <summary>Channels C.</summary>
    public long Channels { get; }

    /// <summary>The variance epsilon.</summary>
    public double Eps { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != Channels)
        {
            throw ShapeError($"[N, {Invariant(Channels)}, H, W]", input);
        }

        using var channelsLast = input.permute(0, 2, 3, 1);
        using var normed = nn.functional.layer_norm(channelsLast, [Channels], ParameterNamed("weight"), ParameterNamed("bias"), Eps);
        return normed.permute(0, 3, 1, 2);
    }
}
