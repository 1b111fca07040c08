namespace ModelDsl;

/// <summary>
/// A Mamba selective state-space mixer on a sequence [T, D] (<c>mamba_simple.Mamba</c>: <c>in_proj</c>, causal depthwise
/// <c>conv1d</c>, <c>x_proj</c>, <c>dt_proj</c>, <c>A_log</c>, <c>D</c>, <c>out_proj</c>); the width D is inferred. Its cost is
/// linear in T. Integer arguments take a number or, inside a block, an expression over its parameters.
/// </summary>
public sealed class MambaAttribute : LayerAttribute
{
    /// <summary>State size N per channel; 16 by default.</summary>
    public object? DState { get; set; }

    /// <summary>Width of the causal convolution; 4 by default.</summary>
    public object? DConv { get; set; }

    /// <summary>Inner width as a multiple of D; 2 by default.</summary>
    public object? Expand { get; set; }

    /// <summary>Rank of the Δ projection; by default ceil(D / 16).</summary>
    public object? DtRank { get; set; }

    /// <summary>Whether the convolution has a bias; true by default.</summary>
    public bool ConvBias { get; set; } = true;

    /// <summary>Whether the in and out projections have biases; false by default.</summary>
    public bool Bias { get; set; }

    /// <summary>The input projection's name; <c>in_proj</c> by default.</summary>
    public string? InProjName { get; set; }

    /// <summary>The causal convolution's name; <c>conv1d</c> by default.</summary>
    public string? Conv1dName { get; set; }

    /// <summary>The Δ/B/C projection's name; <c>x_proj</c> by default.</summary>
    public string? XProjName { get; set; }

    /// <summary>The Δ expansion's name; <c>dt_proj</c> by default.</summary>
    public string? DtProjName { get; set; }

    /// <summary>The output projection's name; <c>out_proj</c> by default.</summary>
    public string? OutProjName { get; set; }
}
