using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Swin's patch merging on channels-last tokens [N, H, W, C]: each 2x2 neighbourhood concatenated to 4C (odd sizes
/// padded with zeros), a linear <c>reduction</c> to 2C without bias, and a LayerNorm <c>norm</c> — after the reduction
/// over 2C (torchvision's <c>PatchMergingV2</c>), or before it over 4C (<c>PatchMerging</c>, <c>normFirst</c>).
/// </summary>
public sealed class PatchMerging : LayerBase
{
    /// <summary>Creates the layer with PyTorch's default initialisation.</summary>
    /// <param name="dim">Input channels C.</param>
    /// <param name="normFirst">Whether the norm runs before the reduction (Swin V1).</param>
    /// <param name="reductionName">The reduction's name.</param>
    /// <param name="normName">The norm's name.</param>
    public PatchMerging(long dim, bool normFirst = false, string reductionName = "reduction", string normName = "norm") : base(nameof(PatchMerging))
    {
        (Dim, NormFirst) = (dim, normFirst);
        Reduction = Register(reductionName, nn.Linear(4 * dim, 2 * dim, hasBias: false));
        Norm = Register(normName, nn.LayerNorm(normFirst ? 4 * dim : 2 * dim));
    }

    /// <summary>Input channels C.</summary>
    public long Dim { get; }

    /// <summary>Whether the norm runs before the reduction (Swin V1) instead of after it (V2).</summary>
    public bool NormFirst { get; }

    /// <summary>The 4C → 2C linear map.</summary>
    public nn.Module<Tensor, Tensor> Reduction { get; }

    /// <summary>The LayerNorm.</summary>
    public nn.Module<Tensor, Tensor> Norm { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4 || input.shape[3] != Dim)
        {
            throw ShapeError($"[N, H, W, {Invariant(Dim)}]", input);
        }

        using var scope = NewDisposeScope();
        var x = input;
        if (input.shape[1] % 2 != 0 || input.shape[2] % 2 != 0)
        {
            x = nn.functional.pad(input, [0, 0, 0, input.shape[2] % 2, 0, input.shape[1] % 2]);
        }

        var even = TensorIndex.Slice(0, null, 2);
        var odd = TensorIndex.Slice(1, null, 2);
        var all = TensorIndex.Colon;
        var merged = cat(
            [x.index(all, even, even, all), x.index(all, odd, even, all), x.index(all, even, odd, all), x.index(all, odd, odd, all)],
            -1);
        var y = NormFirst ? Reduction.call(Norm.call(merged)) : Norm.call(Reduction.call(merged));
        return y.MoveToOuterDisposeScope();
    }
}
