namespace ModelDsl;

/// <summary>
/// Multi-head attention with <c>nn.MultiheadAttention</c>'s parameter layout (<c>in_proj_weight</c> [3E, E],
/// <c>in_proj_bias</c> [3E], <c>out_proj.weight</c>, <c>out_proj.bias</c>), so PyTorch state dicts load as they
/// are. Inputs are batch-first [N, L, E] (PyTorch's <c>batch_first=True</c>) or unbatched [L, E].
/// <see cref="Forward(Tensor)"/> is self-attention, causal when the layer was created with <c>causal: true</c>.
/// </summary>
public sealed class MultiheadAttention : Layer
{
    /// <summary>Creates the layer with PyTorch's initialisation (and its random draw order).</summary>
    public MultiheadAttention(long embedDim, long numHeads, bool bias = true, double dropout = 0, bool causal = false)
    {
        if (numHeads <= 0 || embedDim % numHeads != 0)
        {
            throw new ArgumentException($"MultiheadAttention: embed_dim {embedDim} must be divisible by num_heads {numHeads}");
        }
        (EmbedDim, NumHeads, DropoutP, Causal) = (embedDim, numHeads, dropout, causal);
        InProjWeight = RegisterParameter("in_proj_weight", Tensor.Empty([3 * embedDim, embedDim]));
        InProjBias = bias ? RegisterParameter("in_proj_bias", Tensor.Empty([3 * embedDim])) : null;
        // PyTorch builds out_proj (drawing its default init) before re-initialising the input projection.
        OutProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, bias));
        Init.XavierUniform(InProjWeight);
        if (InProjBias is not null)
        {
            Init.Constant(InProjBias, 0);
            Init.Constant(OutProj.Bias!, 0);
        }
    }

    /// <summary>Model width E.</summary>
    public long EmbedDim { get; }
    /// <summary>Number of heads H (head width E / H).</summary>
    public long NumHeads { get; }
    /// <summary>Dropout on the attention weights while training.</summary>
    public double DropoutP { get; }
    /// <summary>Whether <see cref="Forward(Tensor)"/> masks future positions.</summary>
    public bool Causal { get; }
    /// <summary>Query, key and value projections stacked: [3E, E].</summary>
    public Tensor InProjWeight { get; }
    /// <summary>[3E], or null without bias.</summary>
    public Tensor? InProjBias { get; }
    /// <summary>The output projection.</summary>
    public Linear OutProj { get; }

    /// <summary>Self-attention of <paramref name="input"/> [N, L, E].</summary>
    public override Tensor Forward(Tensor input) => Forward(input, input, input, Causal);

    /// <summary>Attention of <paramref name="query"/> [N, L, E] over <paramref name="key"/>/<paramref name="value"/> [N, S, E].</summary>
    public Tensor Forward(Tensor query, Tensor key, Tensor value, bool causal = false)
    {
        foreach (var t in new[] { query, key, value })
        {
            var s = t.ShapeView;
            if (s.Length is not (2 or 3) || s[^1] != EmbedDim)
            {
                throw ShapeError($"[N, L, {Invariant(EmbedDim)}]", t);
            }
        }
        using var scope = Torch.NewDisposeScope();
        var unbatched = query.ShapeView.Length == 2;
        if (unbatched)
        {
            (query, key, value) = (query.Unsqueeze(0), key.Unsqueeze(0), value.Unsqueeze(0));
        }
        Tensor q, k, v;
        if (ReferenceEquals(query, key) && ReferenceEquals(key, value))
        {
            var qkv = Functional.Linear(query, InProjWeight, InProjBias).Chunk(3, -1);
            (q, k, v) = (qkv[0], qkv[1], qkv[2]);
        }
        else
        {
            var w = InProjWeight.Chunk(3, 0);
            var b = InProjBias?.Chunk(3, 0);
            q = Functional.Linear(query, w[0], b?[0]);
            k = Functional.Linear(key, w[1], b?[1]);
            v = Functional.Linear(value, w[2], b?[2]);
        }
        var batch = query.Size(0);
        var headDim = EmbedDim / NumHeads;
        Tensor Heads(Tensor t) => t.View(batch, t.Size(1), NumHeads, headDim).Transpose(1, 2);
        var attended = Functional.ScaledDotProductAttention(Heads(q), Heads(k), Heads(v), causal, DropoutP, Training);
        var merged = attended.Transpose(1, 2).Reshape(batch, query.Size(1), EmbedDim);
        var output = OutProj.Forward(merged);
        return scope.MoveToOuter(unbatched ? output.Squeeze(0) : output);
    }
}
