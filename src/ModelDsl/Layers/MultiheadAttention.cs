using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Batch-first multi-head attention with <c>nn.MultiheadAttention</c>'s parameter layout (<c>in_proj_weight</c>
/// [3E, E], <c>in_proj_bias</c> [3E], <c>out_proj.weight</c>, <c>out_proj.bias</c>), so PyTorch state dicts load as
/// they are. TorchSharp's own MultiheadAttention is sequence-first only and, without attention weights, returns a
/// tensor with an empty handle. Inputs [N, L, E] (PyTorch's <c>batch_first=True</c>) or unbatched [L, E].
/// With a <c>qkvName</c> the packed projection is a Linear of that name instead (<c>qkv.weight</c>, <c>qkv.bias</c>, as
/// timm's attention holds it), and <c>projName</c> renames <c>out_proj</c>; the computation is the same.
/// </summary>
public sealed class MultiheadAttention : LayerBase
{
    /// <summary>Creates the layer with PyTorch's initialisation, in its random draw order.</summary>
    /// <param name="embedDim">Model width E.</param>
    /// <param name="numHeads">Heads, dividing E.</param>
    /// <param name="bias">Whether the projections have biases.</param>
    /// <param name="dropout">Dropout on the attention weights while training.</param>
    /// <param name="causal">Whether <see cref="forward(Tensor)"/> masks future positions.</param>
    /// <param name="qkvName">Null for the bare <c>in_proj_weight</c>/<c>in_proj_bias</c>; else the packed projection's Linear name.</param>
    /// <param name="projName">The output projection's name.</param>
    public MultiheadAttention(long embedDim, long numHeads, bool bias = true, double dropout = 0, bool causal = false, string? qkvName = null, string projName = "out_proj")
        : base(nameof(MultiheadAttention))
    {
        if (numHeads <= 0 || embedDim % numHeads != 0)
        {
            throw new ArgumentException($"MultiheadAttention: embed_dim {embedDim} must be divisible by num_heads {numHeads}");
        }
        (EmbedDim, NumHeads, DropoutP, Causal) = (embedDim, numHeads, dropout, causal);
        if (qkvName is not null)
        {
            // timm's layout: two Linears with PyTorch's default initialisation.
            qkv = Register(qkvName, nn.Linear(embedDim, 3 * embedDim, bias));
            OutProj = Register(projName, nn.Linear(embedDim, embedDim, bias));
            return;
        }

        var inProjWeight = RegisterParameter("in_proj_weight", empty(3 * embedDim, embedDim));
        var inProjBias = bias ? RegisterParameter("in_proj_bias", empty(3 * embedDim)) : null;
        // PyTorch builds out_proj (drawing its default init) before it re-initialises the input projection.
        OutProj = Register(projName, nn.Linear(embedDim, embedDim, bias));
        using var noGrad = no_grad();
        nn.init.xavier_uniform_(inProjWeight);
        if (inProjBias is not null)
        {
            nn.init.constant_(inProjBias, 0);
            nn.init.constant_(OutProj.bias!, 0);
        }
    }

    // The packed projection as a Linear, where it was given a name.
    private readonly Linear? qkv;

    /// <summary>Model width E.</summary>
    public long EmbedDim { get; }

    /// <summary>Number of heads H (head width E / H).</summary>
    public long NumHeads { get; }

    /// <summary>Dropout on the attention weights while training.</summary>
    public double DropoutP { get; }

    /// <summary>Whether <see cref="forward(Tensor)"/> masks future positions.</summary>
    public bool Causal { get; }

    /// <summary>Query, key and value projections stacked: [3E, E] (<c>in_proj_weight</c>, or the named Linear's weight).</summary>
    public Parameter InProjWeight => qkv is null ? ParameterNamed("in_proj_weight") : qkv.weight!;

    /// <summary>[3E], or null without bias.</summary>
    public Parameter? InProjBias => qkv is null ? OptionalParameterNamed("in_proj_bias") : qkv.bias;

    /// <summary>The output projection E → E.</summary>
    public Linear OutProj { get; }

    /// <summary>Self-attention of <paramref name="input"/> [N, L, E], causal when the layer was created so.</summary>
    public override Tensor forward(Tensor input) => forward(input, input, input, Causal);

    /// <summary>Attention of <paramref name="query"/> [N, L, E] over <paramref name="key"/> and <paramref name="value"/> [N, S, E].</summary>
    public Tensor forward(Tensor query, Tensor key, Tensor value, bool causal = false)
    {
        var rank = query.dim();
        foreach (var (t, what) in new[] { (query, "query"), (key, "key"), (value, "value") })
        {
            if (t.dim() is not (2 or 3) || t.dim() != rank || t.shape[^1] != EmbedDim)
            {
                throw ShapeError(rank == 2 ? $"[L, {EmbedDim}]" : $"[N, L, {EmbedDim}]", t, what);
            }
        }
        if (rank == 3 && (key.shape[0] != query.shape[0] || value.shape[0] != query.shape[0]) || key.shape[^2] != value.shape[^2])
        {
            throw new ArgumentException($"{Describe()} expects key and value of one length and batch as query, got query {FormatShape(query.shape)}, key {FormatShape(key.shape)}, value {FormatShape(value.shape)}");
        }
        using var scope = NewDisposeScope();
        var unbatched = rank == 2;
        if (unbatched)
        {
            (query, key, value) = (query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0));
        }
        Tensor q, k, v;
        var bias = InProjBias;
        if (ReferenceEquals(query, key) && ReferenceEquals(key, value))
        {
            var qkv = nn.functional.linear(query, InProjWeight, bias).chunk(3, -1);
            (q, k, v) = (qkv[0], qkv[1], qkv[2]);
        }
        else
        {
            var w = InProjWeight.chunk(3, 0);
            var b = bias?.chunk(3, 0);
            q = nn.functional.linear(query, w[0], b?[0]);
            k = nn.functional.linear(key, w[1], b?[1]);
            v = nn.functional.linear(value, w[2], b?[2]);
        }
        var batch = query.shape[0];
        var headDim = EmbedDim / NumHeads;
        Tensor Heads(Tensor t) => t.view(batch, t.shape[1], NumHeads, headDim).transpose(1, 2);
        var attended = Attention.ScaledDotProduct(Heads(q), Heads(k), Heads(v), causal, DropoutP, training);
        var merged = attended.transpose(1, 2).reshape(batch, query.shape[1], EmbedDim);
        var output = OutProj.forward(merged);
        return (unbatched ? output.squeeze(0) : output).MoveToOuterDisposeScope();
    }
}
