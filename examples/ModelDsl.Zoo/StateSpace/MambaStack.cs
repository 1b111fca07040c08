namespace ModelDsl.Zoo.StateSpace;

/// <summary>mamba_ssm's <c>Block</c>: RMSNorm, then the Mamba mixer, inside a residual.</summary>
[Block]
[Residual]
public partial class MambaLayer
{
    /// <summary>Pre-norm.</summary>
    [RMSNorm] public partial Layer Norm { get; }

    /// <summary>The selective state-space mixer.</summary>
    [Mamba] public partial Layer Mixer { get; }
}

/// <summary>
/// A stack of Mamba layers over 1024 tokens of width 768, named as mamba_ssm's <c>MixerModel</c> less its embedding
/// (<c>layers.N.norm</c>, <c>layers.N.mixer</c>, <c>norm_f</c>). Its cost is linear in the sequence length.
/// </summary>
[Model(InputShape = [1024, 768])]
public partial class MambaStack
{
    /// <summary>Four Mamba layers.</summary>
    [Stage(typeof(MambaLayer), Blocks = 4)] public partial Layer Layers { get; }

    /// <summary>Final norm.</summary>
    [RMSNorm] public partial Layer NormF { get; }
}
