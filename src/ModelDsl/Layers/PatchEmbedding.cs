using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// ViT's patch embedding: a <c>patch</c>×<c>patch</c> convolution with stride <c>patch</c> from [N, C, H, W] to
/// [N, dim, H/p, W/p], flattened to tokens [N, H/p · W/p, dim] (torchvision's <c>conv_proj</c> and
/// <c>_process_input</c>). State dict: the convolution's <c>weight</c> [dim, C, p, p] and <c>bias</c> [dim].
/// </summary>
public sealed class PatchEmbedding : LayerBase
{
    /// <summary>Creates the layer with <c>nn.Conv2d</c>'s default initialisation.</summary>
    public PatchEmbedding(long inChannels, long dim, long patch, bool bias = true) : base(nameof(PatchEmbedding))
    {
        (InChannels, Dim, Patch) = (inChannels, dim, patch);
        var weight = RegisterParameter("weight", empty(dim, inChannels, patch, patch));
        var b = bias ? RegisterParameter("bias", empty(dim)) : null;
        using var noGrad = no_grad();
        // Conv2d.reset_parameters: kaiming_uniform(a = √5), then bias uniform ±1/√fan_in.
        nn.init.kaiming_uniform_(weight, Math.Sqrt(5));
        if (b is not null)
        {
            var bound = 1 / Math.Sqrt(inChannels * patch * patch);
            nn.init.uniform_(b, -bound, bound);
        }
    }

    /// <summary>Input channels C.</summary>
    public long InChannels { get; }

    /// <summary>Token width.</summary>
    public long Dim { get; }

    /// <summary>Patch height and width (also the stride).</summary>
    public long Patch { get; }

    /// <summary>[dim, C, p, p].</summary>
    public Parameter Weight => ParameterNamed("weight");

    /// <summary>[dim], or null.</summary>
    public Parameter? Bias => OptionalParameterNamed("bias");

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        // As the build checks the declared input (and torchvision's _process_input asserts): a size that is not a
        // multiple of the patch would lose its last rows or columns in the strided convolution, without a word.
        if (input.dim() != 4 || input.shape[1] != InChannels || input.shape[2] < Patch || input.shape[3] < Patch
            || input.shape[2] % Patch != 0 || input.shape[3] % Patch != 0)
        {
            throw ShapeError($"[N, {InChannels}, H, W] with H and W multiples of {Patch}", input);
        }
        using var grid = nn.functional.conv2d(input, Weight, Bias, strides: [Patch, Patch]);
        using var flat = grid.flatten(2);
        return flat.transpose(1, 2);
    }
}
