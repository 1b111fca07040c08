using System.Xml.Linq;
using FashionMnist;
using SkiaSharp;

namespace ModelDsl.Demo.Tests;

/// <summary>The demo's charts: a PNG an image viewer opens and an SVG a browser opens, one labelled point per variant.</summary>
public sealed class ChartTests
{
    private static readonly Result[] Results =
    [
        new("Dense", 1_950_592, false, 54_778, 219_112, 0.915, 0.30, 40),
        new("Budget-fitted (FitBudget)", 963_144, false, 27_000, 108_000, 0.91, 0.20, 20),
        new("Budget-fitted + int8", 963_144, false, 27_000, 28_000, 0.908, 0.25, 22),
        new("Unstructured 80 %", 600_000, true, 12_000, 219_112, 0.905, 0.31, 41),
        new("2:4 sparse", 1_000_000, true, 27_000, 219_112, 0.912, 0.30, 40),
    ];

    [Fact]
    public void Both_charts_are_written_as_a_decodable_png_and_a_well_formed_svg_with_one_labelled_marker_per_variant()
    {
        var folder = Directory.CreateTempSubdirectory("modeldsl-demo-charts-").FullName;
        try
        {
            var paths = Charts.Write(Results, folder);
            Assert.Equal(4, paths.Count);
            foreach (var png in paths.Where(p => p.EndsWith(".png", StringComparison.Ordinal)))
            {
                var bytes = File.ReadAllBytes(png);
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
                using var bitmap = SKBitmap.Decode(bytes);
                Assert.NotNull(bitmap);
                Assert.Equal((900, 560), (bitmap.Width, bitmap.Height));
                // Each variant's marker colour (Category10, in order) is drawn somewhere.
                foreach (var colour in new[] { "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728" })
                {
                    var expected = SKColor.Parse(colour);
                    Assert.True(bitmap.Pixels.Any(p => p == expected), $"{Path.GetFileName(png)} has no pixel of {colour}");
                }
            }
            foreach (var svg in paths.Where(p => p.EndsWith(".svg", StringComparison.Ordinal)))
            {
                var document = XDocument.Load(svg);   // throws unless well-formed XML
                XNamespace ns = "http://www.w3.org/2000/svg";
                Assert.Equal(ns + "svg", document.Root!.Name);
                var texts = document.Descendants(ns + "text").Select(t => t.Value.Trim()).ToList();
                foreach (var result in Results)
                {
                    Assert.Equal(1, texts.Count(t => t == result.Title));
                }
                var markers = document.Descendants(ns + "ellipse").ToList();
                Assert.Equal(Results.Length, markers.Count);
                // Coordinate lists a browser accepts: numbers separated by commas or spaces, no trailing separator.
                foreach (var text in document.Descendants(ns + "text"))
                {
                    foreach (var attribute in new[] { "x", "y" })
                    {
                        var value = (string?)text.Attribute(attribute);
                        Assert.True(value is null || !value.TrimEnd().EndsWith(',') , $"{Path.GetFileName(svg)}: text {attribute}=\"{value}\"");
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
