using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Reorders the per-sample dimensions (torchvision's <c>Permute([0, 2, 3, 1])</c>, the batch staying first): an image
/// [C, H, W] to channels-last tokens [H, W, C] with dims (1, 2, 0), and back with (2, 0, 1). No parameters; the result
/// is a view.
/// </summary>
public sealed class Permute : LayerBase
{
    private readonly long[] order;

    /// <summary>Creates the layer; <paramref name="dims"/> is a permutation of 0 … rank − 1 over the per-sample dimensions.</summary>
    public Permute(params long[] dims) : base(nameof(Permute))
    {
        if (dims.Length == 0 || !dims.Order().SequenceEqual(Enumerable.Range(0, dims.Length).Select(d => (long)d)))
        {
            throw new ArgumentException($"Permute: ({string.Join(", ", dims)}) is not a permutation of the per-sample dimensions 0 … {dims.Length - 1}", nameof(dims));
        }

        Dims = dims;
        order = dims.Select(d => d + 1).Prepend(0L).ToArray();
    }

    /// <summary>The per-sample order.</summary>
    public IReadOnlyList<long> Dims { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != order.Length)
        {
            throw ShapeError("[N, " + string.Join(", ", Dims.Select((_, i) => "d" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]", input);
        }

        return input.permute(order);
    }
}
