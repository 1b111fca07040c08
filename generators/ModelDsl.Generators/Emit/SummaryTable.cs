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
}
