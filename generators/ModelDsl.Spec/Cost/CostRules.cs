using System.Text;

namespace ModelDsl.Spec;

/// <summary>
/// THE cost table: one rule per layer kind, each with its formula as text (rendered into
/// <c>docs/cost-convention.md</c>, and a test keeps the two identical) and as code.
/// FLOPs of a layer = 2 × MACs + element-wise FLOPs. Each arithmetic operation or elementary function
/// (exp, erf, log, tanh, comparison) on one element counts 1; per-row scalars (one rsqrt per LayerNorm row) are not counted.
/// </summary>
public static class CostRules
{
    // Symbols: out = output elements, in = input elements, T = sequence length, D = width, H = heads,
    // Cin/Cout = channels, g = groups, k = kernel, [bias] = 1 if the layer has a bias else 0.
    private static readonly CostRule[] Rules =
    {
        Rule(LayerKind.Linear, "out · in_features", "[bias] · out", l => l.Output.Elements * l.Int("in"), l => Bias(l) * l.Output.Elements),
        Rule(LayerKind.Conv1d, "out · (Cin / g) · k", "[bias] · out", l => l.Output.Elements * (l.Int("in") / l.Int("groups")) * l.Int("kernel"), l => Bias(l) * l.Output.Elements),
        Rule(LayerKind.Conv2d, "out · (Cin / g) · k²", "[bias] · out", l => l.Output.Elements * (l.Int("in") / l.Int("groups")) * Square(l.Int("kernel")), l => Bias(l) * l.Output.Elements),
        Rule(LayerKind.BatchNorm1d, "0", "2 · out (inference: one scale, one shift)", None, l => 2 * l.Output.Elements),
        Rule(LayerKind.BatchNorm2d, "0", "2 · out (inference: one scale, one shift)", None, l => 2 * l.Output.Elements),
        Rule(LayerKind.LayerNorm, "0", "(6 + [bias]) · out (mean, centre, square, variance sum, normalise, weight)", None, l => (6 + Bias(l)) * l.Output.Elements),
        Rule(LayerKind.LayerNorm2d, "0", "7 · out (as LayerNorm, over the channels at each position)", None, l => 7 * l.Output.Elements),
        Rule(LayerKind.GroupNorm, "0", "7 · out (as LayerNorm, with weight and bias)", None, l => 7 * l.Output.Elements),
        Rule(LayerKind.RMSNorm, "0", "4 · out (square, sum, normalise, weight)", None, l => 4 * l.Output.Elements),
        Rule(LayerKind.Embedding, "0", "0 (a lookup)", None, None),
        Rule(LayerKind.Dropout, "0", "0 (identity at inference)", None, None),
        Rule(LayerKind.MaxPool2d, "0", "(k² − 1) · out comparisons", None, l => (Square(l.Int("kernel")) - 1) * l.Output.Elements),
        Rule(LayerKind.AvgPool2d, "0", "k² · out (k² − 1 adds, 1 divide)", None, l => Square(l.Int("kernel")) * l.Output.Elements),
        Rule(LayerKind.AdaptiveAvgPool2d, "0", "sum of window areas (= in when the size divides the input)", None, AdaptiveWindows),
        Rule(LayerKind.Flatten, "0", "0 (a view)", None, None),
        Rule(LayerKind.ChannelShuffle, "0", "0 (a permutation: moves out · 4 bytes, its activation bytes)", None, None),
        Rule(LayerKind.Permute, "0", "0 (a view)", None, None),
        Rule(LayerKind.PatchMerging, "out · 4C (the reduction)", "7 · normalised elements (LayerNorm over 2C after, or 4C before, the reduction)", l => l.Output.Elements * 4 * D(l), l => 7 * (l.Bool("norm_first") ? 2 : 1) * l.Output.Elements),
        Rule(
            LayerKind.ShiftedWindowAttentionV2,
            "T'·C·3C (qkv) + 2·T'·w²·C (QKᵀ, AV per window) + T'·C² (proj) + (2w−1)²·512·(2 + H) (cpb_mlp, once per forward); T' = tokens padded to whole w×w windows",
            "4·T'·C (biases) + 6·T'·C (normalise q, k) + (7 + [shifted])·H·T'·w² (logit scale, position bias, mask, softmax) + (2w−1)²·(1024 + 5·H) (cpb bias, ReLU, 16·sigmoid)",
            WindowMacs,
            WindowElementwise),
        Rule(LayerKind.ReLU, "0", "1 · out", None, l => l.Output.Elements),
        Rule(LayerKind.ReLU6, "0", "2 · out (min, max)", None, l => 2 * l.Output.Elements),
        Rule(LayerKind.GELU, "0", "5 · out (scale, erf, add 1, multiply x, halve)", None, l => 5 * l.Output.Elements),
        Rule(LayerKind.SiLU, "0", "5 · out (sigmoid, multiply x)", None, l => 5 * l.Output.Elements),
        Rule(LayerKind.Sigmoid, "0", "4 · out (negate, exp, add 1, reciprocal)", None, l => 4 * l.Output.Elements),
        Rule(LayerKind.Hardswish, "0", "5 · out (add 3, clamp below and above, divide by 6, multiply x)", None, l => 5 * l.Output.Elements),
        Rule(LayerKind.Hardsigmoid, "0", "4 · out (add 3, clamp below and above, divide by 6)", None, l => 4 * l.Output.Elements),
        Rule(LayerKind.Tanh, "0", "1 · out", None, l => l.Output.Elements),
        Rule(LayerKind.Softmax, "0", "5 · out (max, subtract, exp, sum, divide)", None, l => 5 * l.Output.Elements),
        Rule(LayerKind.LogSoftmax, "0", "5 · out (max, subtract, exp, sum, subtract log-sum)", None, l => 5 * l.Output.Elements),
        Rule(
            LayerKind.MultiheadAttention,
            "3·T·D·I (q, k, v) + T²·I (QKᵀ) + T²·I (AV) + T·I·D (output), I = H·head_dim (= D unless heads are pruned); causal counted dense",
            "6 · H · T² (scale, softmax) + [bias] · T · (3·I + D)",
            l => (4 * T(l) * D(l) * Inner(l)) + (2 * Square(T(l)) * Inner(l)),
            l => (6 * l.Int("heads") * Square(T(l))) + (Bias(l) * T(l) * ((3 * Inner(l)) + D(l)))),
        Rule(LayerKind.PatchEmbedding, "out · C · patch²", "[bias] · out", l => l.Output.Elements * l.Input.Dims[0] * Square(l.Int("patch")), l => Bias(l) * l.Output.Elements),
        Rule(LayerKind.ClassToken, "0", "0 (a concatenation)", None, None),
        Rule(LayerKind.LayerScale, "0", "1 · out (the product)", None, l => l.Output.Elements),
        Rule(LayerKind.PositionEmbedding, "0", "1 · out (the add)", None, l => l.Output.Elements),
        Rule(LayerKind.TakeToken, "0", "0 (a slice)", None, None),
        Rule(LayerKind.TiedLinear, "out · D", "[bias] · out", l => l.Output.Elements * l.Input.Last, l => Bias(l) * l.Output.Elements),
        Rule(
            LayerKind.Mamba,
            "T·D·2E (in_proj) + T·E·K (conv) + T·E·(R + 2N) (x_proj) + T·R·E (dt_proj) + T·E·N (scan: y = C·h) + T·E·D (out_proj)",
            "T·E·(18 + [conv_bias]) (SiLU 5, dt bias 1, softplus 3, Δ·x 1, D skip 2, SiLU gate 5, gate product 1) + 5·T·E·N (Δ·A, exp, ·B, state multiply-add 2) + [bias] · T·(2E + D)",
            MambaMacs,
            MambaElementwise),
        Rule(LayerKind.Custom, "as declared (Macs)", "as declared (Flops)", l => l.Int("macs"), l => l.Int("flops")),
        Rule(LayerKind.ResidualAdd, "0", "1 · out", None, l => l.Output.Elements),
        Rule(LayerKind.ResidualMultiply, "0", "1 · out (the gate's product, broadcast)", None, l => l.Output.Elements),
        Rule(LayerKind.ResidualConcat, "0", "0 (a copy: moves out · 4 bytes, its activation bytes)", None, None),
    };

    private static readonly Dictionary<LayerKind, CostRule> ByKind = Rules.ToDictionary(r => r.Kind);

    /// <summary>Every rule, in <see cref="LayerKind"/> order; structural kinds (Sequential, Residual, Block, Stage) have none.</summary>
    public static IReadOnlyList<CostRule> All => Rules;

    /// <summary>The rule for <paramref name="kind"/>.</summary>
    /// <param name="kind">A non-structural layer kind.</param>
    /// <exception cref="ArgumentException">A structural kind, which has no cost of its own.</exception>
    public static CostRule For(LayerKind kind) =>
        ByKind.TryGetValue(kind, out var rule) ? rule : throw new ArgumentException(kind + " is structural and has no cost rule", nameof(kind));

    /// <summary>The table as Markdown, exactly as <c>docs/cost-convention.md</c> carries it.</summary>
    public static string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| Layer kind | MACs | Element-wise FLOPs |\n");
        text.Append("|---|---|---|\n");
        foreach (var rule in Rules)
        {
            text.Append("| ").Append(rule.Kind).Append(" | ").Append(rule.MacsRule).Append(" | ").Append(rule.ElementwiseRule).Append(" |\n");
        }

        return text.ToString();
    }

    private static CostRule Rule(LayerKind kind, string macsRule, string elementwiseRule, Func<LayerShape, long> macs, Func<LayerShape, long> elementwise) =>
        new(kind, macsRule, elementwiseRule, macs, elementwise);

    private static long None(LayerShape layer) => 0;

    private static long Bias(LayerShape layer) => layer.Bool("bias") ? 1 : 0;

    private static long Square(long x) => x * x;

    private static long T(LayerShape layer) => layer.Input.Dims[0];

    private static long D(LayerShape layer) => layer.Input.Last;

    // The width attention works in: heads times the head width (the model width unless a variant pruned heads).
    private static long Inner(LayerShape layer) => layer.Int("heads") * layer.Int("head_dim");

    // Swin's windows cover the map padded to whole windows; torchvision computes attention over the padding too.
    private static (long Tokens, long Window, long Table, bool Shifted) Windows(LayerShape l)
    {
        long w = l.Int("window"), h = l.Input.Dims[0], wd = l.Input.Dims[1];
        long paddedH = (h + w - 1) / w * w, paddedW = (wd + w - 1) / w * w;
        var shifted = l.Int("shift") > 0 && (w < paddedH || w < paddedW);
        return (paddedH * paddedW, w, Square((2 * w) - 1), shifted);
    }

    private static long WindowMacs(LayerShape l)
    {
        var (t, w, table, _) = Windows(l);
        long c = D(l), heads = l.Int("heads");
        return (4 * t * c * c) + (2 * t * w * w * c) + (table * 512 * (2 + heads));
    }

    private static long WindowElementwise(LayerShape l)
    {
        var (t, w, table, shifted) = Windows(l);
        long c = D(l), heads = l.Int("heads");
        return (10 * t * c) + ((7 + (shifted ? 1 : 0)) * heads * t * w * w) + (table * (1024 + (5 * heads)));
    }

    private static long MambaMacs(LayerShape l)
    {
        long t = T(l), d = D(l), e = l.Int("expand") * d, n = l.Int("d_state"), r = l.Int("dt_rank"), k = l.Int("d_conv");
        return (t * d * 2 * e) + (t * e * k) + (t * e * (r + (2 * n))) + (t * r * e) + (t * e * n) + (t * e * d);
    }

    private static long MambaElementwise(LayerShape l)
    {
        long t = T(l), d = D(l), e = l.Int("expand") * d, n = l.Int("d_state");
        var perChannel = 18 + (l.Bool("conv_bias") ? 1 : 0);
        return (t * e * perChannel) + (5 * t * e * n) + (Bias(l) * t * ((2 * e) + d));
    }

    // Adaptive pooling windows: start = floor(i · in / out), end = ceil((i + 1) · in / out), as PyTorch.
    private static long AdaptiveWindows(LayerShape l)
    {
        static long Sum(long length, long size)
        {
            long total = 0;
            for (long i = 0; i < size; i++)
            {
                var start = i * length / size;
                var end = (((i + 1) * length) + size - 1) / size;
                total += end - start;
            }

            return total;
        }

        long size = l.Int("size");
        return l.Input.Dims[0] * Sum(l.Input.Dims[1], size) * Sum(l.Input.Dims[2], size);
    }
}
