using System.Text;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// The torchinfo-style table a generated model's Summary() returns, computed here at compile time: the numbers are
// the same constants the class exposes, so the text never disagrees with them.
internal static class SummaryTable
{
    public static string Format(string modelName, InputSpec input, ShapeResult shapes, CostReport cost)
    {
        var header = new[] { "Layer (path)", "Kind", "Output shape", "MACs", "FLOPs", "Params" };
        var rows = shapes.Layers.Zip(cost.Layers, (shape, row) => new[]
        {
            shape.Path,
            shape.Kind.ToString(),
            Numbers.Shape(shape.Output.Dims),
            Numbers.Grouped(row.Macs),
            Numbers.Grouped(row.Flops),
            Numbers.Grouped(row.Parameters),
        }).ToList();

        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max()).Select((w, i) => Math.Max(w, header[i].Length)).ToArray();
        var ruleWidth = widths.Sum() + (2 * (widths.Length - 1));
        var text = new StringBuilder();
        var inputText = Numbers.Shape(input.Dims) + (input.Vocabulary > 0 ? " token ids < " + Numbers.Grouped(input.Vocabulary) : string.Empty);
        text.Append(modelName).Append(": input ").Append(inputText).Append(", costs per sample\n");
        text.Append('=', ruleWidth).Append('\n');
        Row(text, header, widths);
        text.Append('=', ruleWidth).Append('\n');
        foreach (var row in rows)
        {
            Row(text, row, widths);
        }

        text.Append('=', ruleWidth).Append('\n');
        var total = cost.Total;
        text.Append("Total params: ").Append(Numbers.Grouped(total.Parameters)).Append('\n');
        text.Append("Total MACs: ").Append(Numbers.Grouped(total.Macs)).Append('\n');
        text.Append("Total FLOPs: ").Append(Numbers.Grouped(total.Flops)).Append('\n');
        text.Append("Weight bytes: ").Append(Numbers.Grouped(total.WeightBytes)).Append('\n');
        text.Append("Activation bytes: ").Append(Numbers.Grouped(total.ActivationBytes)).Append('\n');
        text.Append('=', ruleWidth);
        return text.ToString();
    }

    // Text columns align left, number columns right.
    private static void Row(StringBuilder text, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                line.Append("  ");
            }

            line.Append(i < 3 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]));
        }

        text.Append(line.ToString().TrimEnd()).Append('\n');
    }

    /// <summary>
    /// A variant's dense and effective cost side by side (the dense model's totals, the variant's, the ratio), and what its
    /// storage is on CPU, appended to its Summary().
    /// </summary>
    public static string Comparison(VariantContext variant, CostTotals effective)
    {
        var dense = variant.DenseCost;
        var header = new[] { "Cost per sample", variant.DenseClass, variant.DenseClass + variant.Name, "Ratio" };
        var rows = new List<string[]>
        {
            Line("MACs", dense.Macs, effective.Macs),
            Line("FLOPs", dense.Flops, effective.Flops),
            Line("Params", dense.Parameters, effective.Parameters),
            Line("Weight bytes", dense.WeightBytes, effective.WeightBytes),
        };
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows.Prepend(header))
        {
            // The name column aligns left, the numbers right.
            text.Append(string.Join("  ", row.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i])))).Append('\n');
            if (ReferenceEquals(row, header))
            {
                text.Append('-', widths.Sum() + (2 * (widths.Length - 1))).Append('\n');
            }
        }

        text.Append(variant.Rewrite.Prunes && variant.Rewrite.Weights != Spec.Precision.Float32 ? "Structured pruning, then " : string.Empty).Append(Storage(variant.Rewrite));
        return text.ToString();
    }

    // Which int4 Linears libtorch's CUDA kernel can compute, decided by their compile-time shapes (the run time checks the rest).
    private static string Int4OnCuda(ShapeResult shapes)
    {
        var linears = shapes.Layers.Where(l => Quantization.Quantizes(l, Spec.Precision.Int4)).ToList();
        var refused = linears
            .Select(l => (l.Path, Why: Quantization.Int4KernelRefusal(l.Input.Last, l.Output.Last)))
            .Where(r => r.Why is not null)
            .ToList();
        var text = new StringBuilder("On CUDA a Linear with inputs a multiple of 128 and outputs a multiple of 8 computes with libtorch's int4 kernel (_weight_int4pack_mm, bfloat16 activations) where it runs; here ")
            .Append(N(linears.Count - refused.Count)).Append(" of ").Append(N(linears.Count)).Append(" can");
        if (refused.Count > 0)
        {
            const int Shown = 4;
            text.Append(" (not ").Append(string.Join(", ", refused.Take(Shown).Select(r => r.Path + ": " + r.Why)));
            text.Append(refused.Count > Shown ? ", and " + N(refused.Count - Shown) + " more" : string.Empty).Append("; they compute dequantised)");
        }
        return text.Append(". Int4Linear.CudaKernelStatus says what each layer runs.").ToString();
    }

    private static string N(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string[] Line(string name, long dense, long effective) =>
        new[] { name, Numbers.Grouped(dense), Numbers.Grouped(effective), dense == 0 ? "-" : (effective / (double)dense).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) + "x" };

    // What runs on CPU: said once in the summary, because the weight bytes alone do not say it.
    private static string Storage(VariantRewrite rewrite) => rewrite.Weights switch
    {
        _ when rewrite.Sparse is { Kind: SparseKind.NM } nm => N(nm.N) + ":" + N(nm.M) + " sparse Linears and convolutions (but the first, and depthwise ones): float32 values + " +
            N(Sparsity.IndexBits(nm.M)) + "-bit in-group positions, stored compressed, decompressed once to float32 at load on CPU (computes dense);" +
            " on CUDA a 2:4 Linear uses the semi-structured kernel where libtorch has it (out and in multiples of 8, float32 input; NMLinear.SemiStructuredStatus says why not). MACs count the kept weights.",
        _ when rewrite.Sparse is { } magnitude => "Unstructured magnitude pruning (" + (magnitude.Global
            ? "global ranking, every layer keeps at least " + magnitude.MinKeep.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + " of its weights; the split is chosen at load, EffectiveMacs() counts it"
            : "layer by layer") + "): masked dense float32 weights; a Linear computes with a CSR copy of its weight where measured faster (1M+ weights, density <= 0.2, <= 64 rows), dense otherwise. MACs count the non-zero weights.",
        Spec.Precision.Int8 => "Linears: int8 weights per output channel + float32 scales, dynamic int8 activations (FBGEMM)." +
            (rewrite.Shapes.Layers.Any(l => l.Kind == LayerKind.Conv2d) ? " Conv2d: int8 weights per output channel; computes in int8 (static uint8 activations, quantized::conv2d) once Int8Calibration.Run has calibrated it, in float32 (dequantised once at load) until then." : string.Empty) +
            " Every other layer float32.",
        Spec.Precision.Int4 => "Linears: int4 weights, two per byte, a float32 scale per 128 inputs; stored packed, dequantised once to float32 at load on CPU (computes as float32). " +
            Int4OnCuda(rewrite.Shapes) + " Every other layer float32.",
        _ when rewrite.Rank is { } rank => "Linears where rank " + rank.ToString(System.Globalization.CultureInfo.InvariantCulture) + " is cheaper: two float32 Linears (in -> rank, rank -> out); the others dense.",
        _ => "Structured pruning: smaller dense float32 layers.",
    };
}
