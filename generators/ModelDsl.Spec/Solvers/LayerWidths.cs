using System.Globalization;

namespace ModelDsl.Spec;

/// <summary>
/// Structured pruning with a ratio per layer (<c>KeepLayers = "layer3 = 0.5, layer4 = 0.25"</c>) and widths rounded to a
/// multiple (<c>RoundTo = 8</c>): one width per <see cref="WidthScaling.Sites"/> entry, so the rewrite, the class and
/// FromDense are those of any per-site widths (<see cref="WidthScaling.Apply(ModelSpec, IReadOnlyList{long})"/>).
/// A site is named by its layer's state-dict segment; a stage's name covers the widths its arguments give its blocks.
/// </summary>
public static class LayerWidths
{
    /// <summary>Null when <paramref name="text"/> is "name = ratio, …" with each ratio in (0, 1] and no name twice; else why not.</summary>
    /// <param name="text">The ratios as written.</param>
    /// <param name="ratios">The parsed pairs, in order, when null is returned.</param>
    public static string? Parse(string text, out EquatableArray<(string Layer, double Keep)> ratios)
    {
        ratios = EquatableArray<(string, double)>.Empty;
        var pairs = new List<(string, double)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in text.Split(','))
        {
            var sides = part.Split('=');
            var name = sides[0].Trim();
            if (sides.Length != 2 || name.Length == 0 ||
                !double.TryParse(sides[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var keep))
            {
                return "write it as \"layer = ratio, …\", e.g. \"layer3 = 0.5, layer4 = 0.25\"; '" + part.Trim() + "' is not";
            }

            if (!(keep > 0 && keep <= 1))
            {
                return "the ratio of '" + name + "' is " + keep.ToString("R", CultureInfo.InvariantCulture) + ", not in (0, 1]";
            }

            if (!names.Add(name))
            {
                return "'" + name + "' is given twice";
            }

            pairs.Add((name, keep));
        }

        ratios = pairs.ToEquatableArray();
        return null;
    }

    /// <summary>True when <paramref name="variant"/> prunes per layer or rounds its widths (and so takes per-site widths).</summary>
    /// <param name="variant">A declared variant.</param>
    public static bool Applies(VariantSpec variant) => variant.KeepLayers is not null || variant.RoundTo is > 1;

    /// <summary>
    /// The names in the variant's ratios that are no site of <paramref name="spec"/>, with the names there are; null
    /// when every name is a site (or the ratios do not parse, which the parser reports).
    /// </summary>
    /// <param name="spec">The dense model.</param>
    /// <param name="variant">One of its variants.</param>
    public static string? UnknownLayers(ModelSpec spec, VariantSpec variant)
    {
        if (variant.KeepLayers is not { } text || Parse(text, out var ratios) is not null)
        {
            return null;
        }

        var sites = WidthScaling.Sites(spec).Select(s => s.Layer).Distinct(StringComparer.Ordinal).ToList();
        var unknown = ratios.Select(r => r.Layer).Where(l => !sites.Contains(l, StringComparer.Ordinal)).ToList();
        return unknown.Count == 0 ? null
            : string.Join(", ", unknown.Select(u => "'" + u + "'")) + (unknown.Count == 1 ? " is not a" : " are not") +
              " prunable layer" + (unknown.Count == 1 ? string.Empty : "s") + " of the model; the prunable ones are " + string.Join(", ", sites);
    }

    /// <summary>
    /// One width per site: the dense width times the layer's ratio (else the variant's KeepChannels, else 1), rounded
    /// half away from zero, then to the nearest multiple of RoundTo (at least one multiple, at most the dense width); null
    /// when the variant has no per-layer ratios or rounding, or its ratios are invalid.
    /// </summary>
    /// <param name="spec">The dense model.</param>
    /// <param name="variant">One of its variants.</param>
    public static IReadOnlyList<long>? Of(ModelSpec spec, VariantSpec variant)
    {
        if (!Applies(variant) || UnknownLayers(spec, variant) is not null)
        {
            return null;
        }

        var ratios = new Dictionary<string, double>(StringComparer.Ordinal);
        if (variant.KeepLayers is { } text)
        {
            if (Parse(text, out var parsed) is not null)
            {
                return null;
            }

            foreach (var (layer, keep) in parsed)
            {
                ratios[layer] = keep;
            }
        }

        var uniform = variant.KeepRatio ?? 1;
        var multiple = variant.RoundTo ?? 0;
        return WidthScaling.Sites(spec)
            .Select(site => Round(site.Width, ratios.TryGetValue(site.Layer, out var keep) ? keep : uniform, multiple))
            .ToArray();
    }

    /// <summary>
    /// <paramref name="width"/> × <paramref name="keep"/> rounded half away from zero, then, when <paramref name="multiple"/>
    /// is above 1 and the width is pruned, to the nearest multiple of it, at least one multiple and at most the dense width.
    /// </summary>
    /// <param name="width">The dense width.</param>
    /// <param name="keep">Fraction kept.</param>
    /// <param name="multiple">The rounding multiple; 0 or 1 for none.</param>
    public static long Round(long width, double keep, int multiple)
    {
        var kept = WidthScaling.Scale(width, keep);
        if (multiple <= 1 || kept == width)
        {
            return kept;
        }

        var rounded = (long)Math.Round((double)kept / multiple, MidpointRounding.AwayFromZero) * multiple;
        return Math.Min(width, Math.Max(multiple, rounded));
    }

    /// <summary>
    /// Why <paramref name="widths"/> do not make the dense network with narrower layers (a layer emptied, a shape error, or a
    /// residual that would need a projection the dense model has not — layers an identity add ties must keep equal
    /// widths), or null when they do.
    /// </summary>
    /// <param name="spec">The dense model.</param>
    /// <param name="widths">One width per site.</param>
    public static string? NotTheSameNetwork(ModelSpec spec, IReadOnlyList<long> widths)
    {
        var sites = WidthScaling.Sites(spec);
        for (var i = 0; i < sites.Count; i++)
        {
            if (widths[i] < 1)
            {
                return "layer '" + sites[i].Layer + "' (" + sites[i].Width.ToString(CultureInfo.InvariantCulture) + " channels) would keep none";
            }
        }

        if (BudgetSolver.Accepts(spec, BudgetSpec.None, widths))
        {
            return null;
        }

        var shapes = Shapes.Infer(WidthScaling.Apply(spec, widths));
        return shapes.Error is { } error
            ? "the pruned model does not fit together at '" + error.Path + "': expected " + error.Expected + ", got " + error.Actual
            : "a residual would need a projection the dense model has not: layers an identity add ties must keep equal widths";
    }
}
