using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// GPT-2's causal self-attention with nanoGPT's parameter layout: <c>c_attn</c> (one Linear E → 3E for query, key
/// and value) and <c>c_proj</c> (E → E). Input [N, T, E]; position t attends to positions ≤ t.
/// </summary>
public sealed class CausalSelfAttention : LayerBase
{
    /// <summary>Creates the layer; <paramref name="bias"/> false is GPT-2 without biases (nanoGPT's <c>bias=False</c>).</summary>
    /// <param name="embedDim">Model width E.</param>
    /// <param name="numHeads">Heads, dividing E.</param>
    /// <param name="bias">Whether the projections have biases.</param>
    /// <param name="dropout">Dropout on the attention weights while training.</param>
    /// <param name="qkvName">The packed projection's name (another checkpoint's <c>qkv</c>).</param>
    /// <param name="projName">The output projection's name.</param>
    public CausalSelfAttention(long embedDim, long numHeads, bool bias = true, double dropout = 0, string qkvName = "c_attn", string projName = "c_proj")
        : base(nameof(CausalSelfAttention))
    {
        if (numHeads <= 0 || embedDim % numHeads != 0)
        {
            throw new ArgumentException($"CausalSelfAttention: embed_dim {embedDim} must be divisible by num_heads {numHeads}");
        }
        (EmbedDim, NumHeads, DropoutP) = (embedDim, numHeads, dropout);
        CAttn = Register(qkvName, nn.Linear(embedDim, 3 * embedDim, bias));
        CProj = Register(projName, nn.Linear(embedDim, embedDim, bias));
    }

    /// <summary>Model width E.</summary>
    public long EmbedDim { get; }

    /// <summary>Number of heads.</summary>
    public long NumHeads { get; }

    /// <summary>Dropout on the attention weights while training.</summary>
    public double DropoutP { get; }

    /// <summary>Query, key and value projection.</summary>
    public Linear CAttn { get; }

    /// <summary>Output projection.</summary>
    public Linear CProj { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 3 || input.shape[2] != EmbedDim)
        {
            throw ShapeError($"[N, T, {EmbedDim}]", input);
        }
        using var scope = NewDisposeScope();
        var (batch, length) = (input.shape[0], input.shape[1]);
        var headDim = EmbedDim / NumHeads;
        Tensor Heads(Tensor t) => t.view(batch, length, NumHeads, headDim).transpose(1, 2);
        var qkv = CAttn.forward(input).chunk(3, -1);
        var attended = Attention.ScaledDotProduct(Heads(qkv[0]), Heads(qkv[1]), Heads(qkv[2]), causal: true, DropoutP, training);
        return CProj.forward(attended.transpose(1, 2).reshape(batch, length, EmbedDim)).MoveToOuterDisposeScope();
    }
}
