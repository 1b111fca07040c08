using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>The scaled dot-product attention both attention layers share, with its shapes checked first.</summary>
internal static class Attention
{
    /// <summary>
    /// softmax(q kᵀ / √d [+ causal mask]) v over heads: q [N, H, L, d], k and v [N, H, S, d]. libtorch's kernel
    /// multiplies matrices, and a mismatched matmul terminates the process, so the shapes are checked here
    /// (the layers above have checked their own inputs already; this guards the head split).
    /// </summary>
    public static Tensor ScaledDotProduct(Tensor q, Tensor k, Tensor v, bool causal, double dropout, bool training)
    {
        var (qs, ks, vs) = (q.shape, k.shape, v.shape);
        if (qs.Length != 4 || ks.Length != 4 || vs.Length != 4 || qs[0] != ks[0] || qs[1] != ks[1] || qs[3] != ks[3]
            || !ks.AsSpan().SequenceEqual(vs))
        {
            throw new ArgumentException($"attention expects q [N, H, L, d] and k, v [N, H, S, d], got q {LayerBase.FormatShape(qs)}, k {LayerBase.FormatShape(ks)}, v {LayerBase.FormatShape(vs)}");
        }
        if (causal && qs[2] != ks[2])
        {
            throw new ArgumentException($"causal attention needs as many queries as keys, got L = {qs[2]}, S = {ks[2]}");
        }
        return nn.functional.scaled_dot_product_attention(q, k, v, null, training ? dropout : 0.0, causal);
    }
}
