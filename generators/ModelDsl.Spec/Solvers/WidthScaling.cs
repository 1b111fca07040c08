using System.Globalization;

namespace ModelDsl.Spec;

/// <summary>
/// Uniform structured pruning as a spec rewrite: every width a model declares as a number (a Linear's or a
/// convolution's <c>out</c>, and a block argument that feeds a block's widths) is multiplied by the keep ratio and
/// rounded to the nearest integer. The layer that produces the model's output keeps its width (the classes do not
/// shrink), and widths written as expressions follow from the parameters they use.
/// </summary>
public static class WidthScaling
{
    private static readonly HashSet<string> WidthArguments = new(StringComparer.Ordinal) { "out" };

    /// <summary>The spec with its widths scaled by <paramref name="keep"/>; the spec itself when <paramref name="keep"/> is 1.</summary>
    /// <param name="spec">The dense model.</param>
    /// <param name="keep">Fraction of channels kept, in (0, 1].</param>
    public static ModelSpec Apply(ModelSpec spec, double keep) => keep == 1 ? spec : new Scaler(spec, (_, width) => Scale(width, keep)).Run().Spec;

    /// <summary>
    /// The widths a structured-pruning variant may change, in a fixed order: every width the model or one of its blocks
    /// declares as a number (the output layer's excepted), each with its layer's state-dict path (<c>stem.0</c>, <c>layer1</c>;
    /// <c>Block.conv1</c> for a width inside a block's declaration) and dense width.
    /// </summary>
    /// <param name="spec">The dense model.</param>
    public static IReadOnlyList<(string Layer, long Width)> Sites(ModelSpec spec)
    {
        var sites = new List<(string, long)>();
        new Scaler(spec, (_, width) => width, (layer, width) => sites.Add((layer, width))).Run();
        return sites;
    }

    /// <summary>The spec with each width of <see cref="Sites"/> set to <paramref name="widths"/>' entry (same order).</summary>
    /// <param name="spec">The dense model.</param>
    /// <param name="widths">One width per site.</param>
    /// <exception cref="ArgumentException">The count is not the number of sites.</exception>
    public static ModelSpec Apply(ModelSpec spec, IReadOnlyList<long> widths)
    {
        var count = Sites(spec).Count;
        if (widths.Count != count)
        {
            throw new ArgumentException("expected " + count.ToString(CultureInfo.InvariantCulture) + " widths, one per site, got " + widths.Count.ToString(CultureInfo.InvariantCulture), nameof(widths));
        }

        return new Scaler(spec, (site, _) => widths[site]).Run().Spec;
    }

    /// <summary>
    /// The first layer whose width <paramref name="keep"/> rounds to zero, as its state-dict path (see <see cref="Sites"/>) and
    /// dense width; null when every layer keeps a channel.
    /// </summary>
    /// <param name="spec">The dense model.</param>
    /// <param name="keep">Fraction of channels kept.</param>
    public static (string Layer, long Width)? FirstEmptied(ModelSpec spec, double keep) => new Scaler(spec, (_, width) => Scale(width, keep)).Run().Emptied;

    /// <summary>
    /// True, with its ratio, when <paramref name="variant"/> is a structured-pruning variant that becomes a class of its
    /// own: a ratio in (0, 1) that leaves every layer a channel (MDSL3003 and MDSL3007 report the others).
    /// </summary>
    /// <param name="spec">The dense model.</param>
    /// <param name="variant">One of its variants.</param>
    /// <param name="keep">The keep ratio, when true.</param>
    public static bool Prunes(ModelSpec spec, VariantSpec variant, out double keep)
    {
        keep = variant.KeepRatio ?? 1;
        return keep > 0 && keep < 1 && FirstEmptied(spec, keep) is null;
    }

    /// <summary>A width times the keep ratio, rounded half away from zero (the rounding the generated variants use).</summary>
    /// <param name="width">The dense width.</param>
    /// <param name="keep">Fraction kept.</param>
    public static long Scale(long width, double keep) => (long)Math.Round(width * keep, MidpointRounding.AwayFromZero);

    private sealed class Scaler
    {
        private readonly ModelSpec spec;
        private readonly Func<int, long, long> scale;
        private readonly Action<string, long>? visit;
        private readonly Dictionary<string, BlockSpec> blocks = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HashSet<string>> widthParameters = new(StringComparer.Ordinal);
        private (string Layer, long Width)? emptied;
        private int site;

        // scale: a site's new width from its index and dense width; visit: told each site, in order.
        public Scaler(ModelSpec spec, Func<int, long, long> scale, Action<string, long>? visit = null)
        {
            this.spec = spec;
            this.scale = scale;
            this.visit = visit;
            foreach (var block in spec.Blocks)
            {
                if (!blocks.ContainsKey(block.Name))
                {
                    blocks.Add(block.Name, block);
                }
            }
        }

        public (ModelSpec Spec, (string Layer, long Width)? Emptied) Run()
        {
            var output = OutputLayer(spec.Layers);
            var layers = spec.Layers.Select((l, i) => ScaleLayer(l, output, Segment(l, i))).ToEquatableArray();
            var scaledBlocks = spec.Blocks.Select(b => b with { Layers = b.Layers.Select((l, i) => ScaleLayer(l, null, b.Name + "." + Segment(l, i))).ToEquatableArray() }).ToEquatableArray();
            return (spec with { Layers = layers, Blocks = scaledBlocks }, emptied);
        }

        // The last Linear or convolution of the model's own layers, unless a block runs after it: it makes the output.
        private static LayerSpec? OutputLayer(EquatableArray<LayerSpec> layers)
        {
            LayerSpec? last = null;
            foreach (var layer in Flatten(layers))
            {
                if (layer.Kind is LayerKind.Block or LayerKind.Stage)
                {
                    last = null;
                }
                else if (layer.Kind is LayerKind.Linear or LayerKind.Conv1d or LayerKind.Conv2d)
                {
                    last = layer;
                }
            }

            return last;
        }

        private static IEnumerable<LayerSpec> Flatten(IEnumerable<LayerSpec> layers)
        {
            foreach (var layer in layers)
            {
                yield return layer;
                foreach (var child in Flatten(layer.Children))
                {
                    yield return child;
                }
            }
        }

        // A node's state-dict segment: its name, or its position in its parent as nn.Sequential numbers it.
        private static string Segment(LayerSpec layer, int index) => layer.Name ?? index.ToString(CultureInfo.InvariantCulture);

        // path: the node's state-dict path in the model ("stem.0", "layer1"), or "Block.conv1" inside a block's declaration.
        private LayerSpec ScaleLayer(LayerSpec layer, LayerSpec? output, string path)
        {
            if (ReferenceEquals(layer, output))
            {
                return layer;
            }

            var children = layer.Children.Select((c, i) => ScaleLayer(c, output, path + "." + Segment(c, i))).ToEquatableArray();
            var widths = layer.Kind switch
            {
                LayerKind.Linear or LayerKind.Conv1d or LayerKind.Conv2d when layer.GetArg("depthwise") != "true" => WidthArguments,
                LayerKind.Block or LayerKind.Stage when layer.GetArg("block") is { } name => WidthParametersOf(name),
                _ => null,
            };
            if (widths is null)
            {
                return children.Count == 0 ? layer : layer with { Children = children };
            }

            var args = layer.Args.Select(a => widths.Contains(a.Name) ? ScaleArg(path, a) : a).ToEquatableArray();
            return layer with { Args = args, Children = children };
        }

        private Arg ScaleArg(string path, Arg arg)
        {
            // Only numbers scale; an expression follows the parameters it names, and 0 means "inferred".
            if (!Expression.TryParseLiteral(arg.Value, out var width) || width <= 0)
            {
                return arg;
            }

            visit?.Invoke(path, width);
            var scaled = scale(site++, width);
            if (scaled <= 0 && emptied is null)
            {
                emptied = (path, width);
            }

            return new Arg(arg.Name, scaled.ToString(CultureInfo.InvariantCulture));
        }

        // A block's width parameters: those named by a width argument (out) of its layers, or passed on as a width
        // parameter of a block it uses. Stride, kernel or head counts are left alone.
        private HashSet<string> WidthParametersOf(string blockName)
        {
            if (widthParameters.TryGetValue(blockName, out var known))
            {
                return known;
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            widthParameters[blockName] = names;
            if (!blocks.TryGetValue(blockName, out var block))
            {
                return names;
            }

            var parameters = new HashSet<string>(block.Parameters.Select(p => p.Name), StringComparer.Ordinal);
            foreach (var layer in Flatten(block.Layers))
            {
                var widthArgs = layer.Kind switch
                {
                    LayerKind.Block or LayerKind.Stage when layer.GetArg("block") is { } inner => WidthParametersOf(inner),
                    _ => WidthArguments,
                };
                foreach (var arg in layer.Args.Where(a => widthArgs.Contains(a.Name)))
                {
                    names.UnionWith(Identifiers(arg.Value).Where(parameters.Contains));
                }
            }

            // A defaulted parameter computed from a width parameter is a width too ("hidden = planes * 4").
            foreach (var parameter in block.Parameters)
            {
                if (parameter.Default is { } value && Identifiers(value).Any(names.Contains))
                {
                    names.Add(parameter.Name);
                }
            }

            return names;
        }

        private static IEnumerable<string> Identifiers(string text)
        {
            var start = -1;
            for (var i = 0; i <= text.Length; i++)
            {
                var c = i < text.Length ? text[i] : ' ';
                var part = char.IsLetterOrDigit(c) || c == '_';
                if (part && start < 0)
                {
                    start = i;
                }
                else if (!part && start >= 0)
                {
                    if (!char.IsDigit(text[start]))
                    {
                        yield return text.Substring(start, i - start);
                    }

                    start = -1;
                }
            }
        }
    }
}
