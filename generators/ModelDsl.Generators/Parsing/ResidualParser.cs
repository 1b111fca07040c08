using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelDsl.Analyzers;

namespace ModelDsl.Generators;

// The [Residual] attributes of a block: a shortcut mode, a range of members From … Through (default: all of them),
// disjoint from the other residuals' ranges, and generated constructor parameters (members, projections, if-same flags)
// that do not clash.
internal static class ResidualParser
{
    /// <summary>The residuals in member order; the valid ones only (the others are reported).</summary>
    /// <param name="type">The block class.</param>
    /// <param name="members">The names of its layer properties, in declaration order.</param>
    /// <param name="report">Receives what is wrong.</param>
    public static List<ResidualTarget> Parse(INamedTypeSymbol type, IReadOnlyList<string> members, DiagnosticBag report)
    {
        var cancellationToken = report.CancellationToken;
        var residuals = new List<ResidualTarget>();
        if (members.Count == 0)
        {
            // MDSL0007 says it: a block without layers has nothing to add a shortcut around.
            return residuals;
        }

        var ranges = new List<(AttributeData Attribute, int Start, int End, string Shortcut, string ProjectionName, string Combine, int BranchStart)>();
        foreach (var residual in type.GetAttributes().Where(a => Symbols.Is(a.AttributeClass, "ResidualAttribute")))
        {
            var valid = true;
            var shortcut = residual.ConstructorArguments.Length == 1 && residual.ConstructorArguments[0].Value is int mode ? Mode((Shortcut)mode) : null;
            if (shortcut is null)
            {
                valid = false;
                if (residual.ConstructorArguments.Length == 1 && residual.ConstructorArguments[0].Kind != TypedConstantKind.Error)
                {
                    report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Positional(residual, 0, cancellationToken), "shortcut", "Residual", "expected Shortcut.Identity, Shortcut.Projection, Shortcut.IfSameShape or Shortcut.Split");
                }
            }

            int start = 0, end = members.Count;
            var projectionName = "downsample";
            var combine = "add";
            int? shortcutFrom = null;
            foreach (var named in residual.NamedArguments)
            {
                if (named.Value.Kind == TypedConstantKind.Error)
                {
                    valid = false;
                    continue;
                }

                var text = ConstantText.Of(named.Value);
                var location = Syntax.Named(residual, named.Key, cancellationToken);
                switch (named.Key)
                {
                    case "From" or "Through":
                        var index = text is null ? -1 : IndexOf(members, text);
                        if (index < 0)
                        {
                            valid = false;
                            report.Report(DiagnosticDescriptors.MalformedArgument, location, named.Key, "Residual", "'" + text + "' is not a layer member of this block");
                        }
                        else if (named.Key == "From")
                        {
                            start = index;
                        }
                        else
                        {
                            end = index + 1;
                        }

                        break;
                    case "ProjectionName" when text is { Length: > 0 } && Names.IsIdentifier(text):
                        projectionName = text;
                        break;
                    case "Combine" when named.Value.Value is int how && Enum.IsDefined(typeof(Combine), how):
                        combine = (Combine)how switch { Combine.Multiply => "multiply", Combine.Concat => "concat", _ => "add" };
                        if (combine == "multiply" && shortcut is not null && shortcut != "identity")
                        {
                            valid = false;
                            report.Report(DiagnosticDescriptors.MalformedArgument, location, named.Key, "Residual", "a multiplying residual scales its input: its shortcut is Shortcut.Identity");
                        }

                        if (combine == "concat" && shortcut is not null && shortcut is not ("identity" or "split"))
                        {
                            valid = false;
                            report.Report(DiagnosticDescriptors.MalformedArgument, location, named.Key, "Residual", "a concatenating residual joins its input (or half of it, Shortcut.Split) as it is: its shortcut is Shortcut.Identity or Shortcut.Split");
                        }

                        break;
                    case "ShortcutFrom":
                        var from = text is null ? -1 : IndexOf(members, text);
                        if (from < 0)
                        {
                            valid = false;
                            report.Report(DiagnosticDescriptors.MalformedArgument, location, named.Key, "Residual", "'" + text + "' is not a layer member of this block");
                        }
                        else
                        {
                            shortcutFrom = from;
                        }

                        break;
                    default:
                        valid = false;
                        report.Report(DiagnosticDescriptors.MalformedArgument, location, named.Key, "Residual", named.Key == "ProjectionName" ? "expected a state-dict name, e.g. \"downsample\"" : "unexpected value " + ConstantText.Shown(named.Value));
                        break;
                }
            }

            if (valid && shortcut == "split" && combine != "concat")
            {
                valid = false;
                report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Positional(residual, 0, cancellationToken), "shortcut", "Residual", "Shortcut.Split keeps half the channels beside the branch: it needs Combine = Combine.Concat");
            }

            var branchStart = start;
            if (valid && shortcutFrom is { } first)
            {
                // The declared path runs from ShortcutFrom up to the branch's first member.
                if (first >= start || shortcut != "identity" || combine == "multiply")
                {
                    valid = false;
                    var why = first >= start
                        ? "'" + members[first] + "' must come before From = '" + members[start] + "': the shortcut path is the members from ShortcutFrom up to the branch"
                        : "a declared shortcut path replaces the input: it needs Shortcut.Identity and Combine.Add or Combine.Concat";
                    report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Named(residual, "ShortcutFrom", cancellationToken), "ShortcutFrom", "Residual", why);
                }
                else
                {
                    start = first;
                }
            }

            if (valid && end <= start && end > 0)
            {
                valid = false;
                report.Report(
                    DiagnosticDescriptors.MalformedArgument,
                    Syntax.Named(residual, "Through", cancellationToken),
                    "Through",
                    "Residual",
                    "'" + members[end - 1] + "' comes before From = '" + members[start] + "'");
            }

            if (valid)
            {
                ranges.Add((residual, start, end, shortcut!, projectionName, combine, branchStart));
            }
        }

        // In member order; a range may not reach into the next one.
        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        var parameters = new HashSet<string>(members.Select(Names.ToParameterName), StringComparer.Ordinal);
        var ifSame = 0;
        for (var i = 0; i < ranges.Count; i++)
        {
            var (attribute, start, end, shortcut, projectionName, combine, branchStart) = ranges[i];
            if (i > 0 && start < ranges[i - 1].End)
            {
                report.Report(
                    DiagnosticDescriptors.MalformedArgument,
                    Syntax.Location(attribute, cancellationToken),
                    "From",
                    "Residual",
                    "its members overlap another residual's ('" + members[ranges[i - 1].Start] + "' through '" + members[ranges[i - 1].End - 1] + "'); residuals cover disjoint ranges");
                continue;
            }

            var parameter = shortcut switch
            {
                "projection" => Names.ToParameterName(projectionName),
                "if-same" => "residual" + (ifSame++ == 0 ? string.Empty : ifSame.ToString(CultureInfo.InvariantCulture)),
                _ => null,
            };
            if (parameter is not null && !parameters.Add(parameter))
            {
                report.Report(
                    DiagnosticDescriptors.MalformedArgument,
                    Syntax.Named(attribute, "ProjectionName", cancellationToken),
                    "ProjectionName",
                    "Residual",
                    "the generated constructor parameter '" + parameter + "' clashes with a member's or another residual's; name the projection otherwise, e.g. ProjectionName = \"shortcut\"");
                continue;
            }

            residuals.Add(new ResidualTarget(shortcut, start, end, projectionName, combine, parameter, branchStart));
        }

        return residuals;
    }

    // The spec's shortcut modes, by the attribute enum's names.
    private static string? Mode(Shortcut shortcut) => shortcut switch
    {
        Shortcut.Identity => "identity",
        Shortcut.Projection => "projection",
        Shortcut.IfSameShape => "if-same",
        Shortcut.Split => "split",
        _ => null,
    };

    private static int IndexOf(IReadOnlyList<string> members, string name)
    {
        for (var i = 0; i < members.Count; i++)
        {
            if (members[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
