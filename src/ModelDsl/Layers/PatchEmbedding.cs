namespace ModelDsl;

/// <summary>
/// ViT's patch embedding: a <c>patch</c>×<c>patch</c> convolution with stride <c>patch</c> from [N, C, H, W] to
/// [N, dim, H/p, W/p], flattened to tokens [N, H/p · W/p, dim] (torchvision's <c>conv_proj</c> and <c>_process_input</c>).
/// Its tensors are the convolution's, <c>weight</c> [dim, C, p, p] and <c>bias</c> [dim].
/// </summary>
public sealed class PatchEmbedding(long inChannels, long dim, long patch, bool bias = true)
    : Convolution(nameof(PatchEmbedding), inChannels, dim, [patch, patch], 1, bias)
{
    /// <summary>Patch height and width (also the stride).</summary>
    public long Patch { get; } = patch;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        if (input.ShapeView.Length != 4)
        {
            throw ShapeError($"[N, {Invariant(InChannels)}, H, W]", input);
        }

        using var grid = Run(input, 2, $"[N, {Invariant(InChannels)}, H, W]", x => Functional.Conv2d(x, Weight, Bias, Patch));
        using var flat = grid.Flatten(2);
        return flat.Transpose(1, 2);
    }
}
