using System.Text.RegularExpressions;
using ScottPlot;

namespace FashionMnist;

/// <summary>Accuracy against MACs and against batch-1 latency, one labelled marker per variant, as PNG and SVG.</summary>
internal static partial class Charts
{
    private const int Width = 900;
    private const int Height = 560;

    /// <summary>Writes accuracy-vs-macs and accuracy-vs-latency as .png and .svg into <paramref name="folder"/>; returns the four paths.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<Result> results, string folder)
    {
        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        paths.AddRange(WriteOne(results, Path.Combine(folder, "accuracy-vs-macs"), "Fashion-MNIST: test accuracy against MACs per image",
            "MACs per image (millions; effective for masked)", r => r.Macs / 1e6));
        paths.AddRange(WriteOne(results, Path.Combine(folder, "accuracy-vs-latency"), "Fashion-MNIST: test accuracy against latency",
            "Latency at batch 1 (ms, median)", r => r.LatencyBatch1Ms));
        return paths;
    }

    private static IEnumerable<string> WriteOne(IReadOnlyList<Result> results, string stem, string title, string xLabel, Func<Result, double> x)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var xs = results.Select(x).ToArray();
        var ys = results.Select(r => r.Accuracy * 100).ToArray();
        double xSpan = Math.Max(xs.Max() - xs.Min(), 1e-9), ySpan = Math.Max(ys.Max() - ys.Min(), 1e-9);
        for (var i = 0; i < results.Count; i++)
        {
            var color = palette.GetColor(i);
            var marker = plot.Add.Marker(xs[i], ys[i]);
            marker.Size = 12;
            marker.Color = color;
            var label = plot.Add.Text(results[i].Title, xs[i], ys[i]);
            label.LabelFontSize = 14;
            label.LabelFontColor = color;
            label.LabelAlignment = Alignment.LowerLeft;
            label.OffsetX = 8;
            // Masked copies sit on top of the dense point in latency: each label moves one line down per earlier
            // point within 5 % of the axis spans, so no two labels overprint.
            var crowd = Enumerable.Range(0, i).Count(j => Math.Abs(xs[j] - xs[i]) < 0.05 * xSpan && Math.Abs(ys[j] - ys[i]) < 0.05 * ySpan);
            label.OffsetY = -4 + 18 * crowd;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("Test accuracy (%)");
        // Room right of and above the markers for their labels.
        plot.Axes.Margins(left: 0.1, right: 0.45, bottom: 0.2, top: 0.25);
        var png = stem + ".png";
        var svg = stem + ".svg";
        plot.SavePng(png, Width, Height);
        plot.SaveSvg(svg, Width, Height);
        // Skia's SVG canvas ends each text's x and y coordinate lists with ", ", which strict SVG parsers reject.
        File.WriteAllText(svg, TrailingSeparator().Replace(File.ReadAllText(svg), "$1\""));
        return [png, svg];
    }

    [GeneratedRegex(@"(\s[xy]=""[^""]*?)[,\s]+""")]
    private static partial Regex TrailingSeparator();
}
