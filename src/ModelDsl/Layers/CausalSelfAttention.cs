namespace ModelDsl;

/// <summary>
/// GPT-2's causal self-attention with nanoGPT's parameter layout: <c>c_attn</c> (one Linear E → 3E for
/// query, key and value) and <c>c_proj</c> (E → E). Input [N, T, E]; position t attends to positions ≤ t.
/// </summary>
public sealed class CausalSelfAttention : Layer
{
    /// <summary>Creates the layer; <paramref name="bias"/> false is GPT-2 without biases (nanoGPT's <c>bias=False</c>).</summary>
    public CausalSelfAttention(long embedDim, long numHeads, bool bias = true, double dropout = 0)
    {
        if (numHeads <= 0 || embedDim % numHeads != 0)
        {
            throw new ArgumentException($"CausalSelfAttention: embed_dim {embedDim} must be divisible by num_heads {numHeads}");
        }
        (EmbedDim, NumHeads, DropoutP) = (embedDim, numHeads, dropout);
        CAttn = RegisterModule("c_attn", new Linear(embedDim, 3 * embedDim, bias));
        CProj = RegisterModule("c_proj", new Linear(embedDim, embedDim, bias));
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
    public override Tensor Forward(Tensor input)
    {
        var shape = input.ShapeView;
        if (shape.Length != 3 || shape[2] != EmbedDim)
        {
            throw ShapeError($"[N, T, {Invariant(EmbedDim)}]", input);
        }
        using var scope = Torch.NewDisposeScope();
        var (batch, length) = (shape[0], shape[1]);
        var headDim = EmbedDim / NumHeads;
        Tensor Heads(Tensor t) => t.View(batch, length, NumHeads, headDim).Transpose(1, 2);
        var qkv = CAttn.Forward(input).Chunk(3, -1);
        var attended = Functional.ScaledDotProductAttention(Heads(qkv[0]), Heads(qkv[1]), Heads(qkv[2]), causal: true, DropoutP, Training);
        return scope.MoveToOuter(CProj.Forward(attended.Transpose(1, 2).Reshape(batch, length, EmbedDim)));
    }
}
