using Microsoft.CodeAnalysis;
using ModelDsl.Analyzers;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// The names a declaration gives a composite layer's parts (QkvName = "qkv"; InnerNames lists the parts): each must be one
// state-dict segment, no two parts may share one, and none may take a name the layer registers otherwise (another
// part's default, a bare parameter or buffer) — else the generated module could not register it, or would load another
// tensor into it.
internal static class PartNameChecks
{
    /// <summary>A part's name as the attribute declares it.</summary>
    public sealed record Declared(string Property, string Argument, string Value, Location? Location);

    /// <summary>Reports what is wrong with <paramref name="declared"/> (in source order); true when nothing is.</summary>
    public static bool Check(LayerKind kind, string layout, IReadOnlyList<Declared> declared, string display, DiagnosticBag report)
    {
        var parts = InnerNames.Parts(kind, layout);
        var valid = true;
        for (var i = 0; i < declared.Count; i++)
        {
            var name = declared[i];
            var part = parts.First(p => p.Argument == name.Argument);
            if (name.Value.Length == 0)
            {
                report.Report(DiagnosticDescriptors.EmptyPartName, name.Location, name.Property, display, part.Default ?? string.Join("/", part.Unrenamed));
                valid = false;
                continue;
            }

            if (!Names.IsSegment(name.Value))
            {
                var why = name.Value.IndexOf('.') >= 0 ? " (a '.' would put it inside a module the layer does not have)" : string.Empty;
                report.Report(DiagnosticDescriptors.PartNameNotSegment, name.Location, name.Property, name.Value, display, why);
                valid = false;
                continue;
            }

            if (declared.Take(i).FirstOrDefault(d => d.Value == name.Value) is { } earlier)
            {
                report.Report(DiagnosticDescriptors.DuplicatePartName, name.Location, earlier.Property, name.Property, display, name.Value);
                valid = false;
                continue;
            }

            var sibling = parts.FirstOrDefault(p => p.Argument != part.Argument && declared.All(d => d.Argument != p.Argument) && p.Unrenamed.Contains(name.Value));
            if (sibling is not null)
            {
                report.Report(DiagnosticDescriptors.PartNameCollides, name.Location, name.Property, name.Value, display, "'" + name.Value + "', the name " + Property(sibling.Argument) + " keeps");
                valid = false;
            }
            else if (InnerNames.Fixed(kind).Contains(name.Value))
            {
                report.Report(DiagnosticDescriptors.PartNameCollides, name.Location, name.Property, name.Value, display, "the layer's own tensor '" + name.Value + "'");
                valid = false;
            }
        }

        return valid;
    }

    // The attribute property that sets a part: qkv_name → QkvName, x_proj_name → XProjName.
    private static string Property(string argument) =>
        string.Concat(argument.Split('_').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w.Substring(1)));
}
