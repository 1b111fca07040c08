using System.Globalization;
using Microsoft.CodeAnalysis;
using ModelDsl.Generators;
using ModelDsl.Spec;

namespace ModelDsl.Analyzers;

// KeepHeads and KeepHidden on the inferred model: a fraction that prunes nothing (MDSL3016), and a rewrite whose
// FromDense cannot cut the dense weights (MDSL3008, at the fraction that asked for it). Ranges are the parser's (MDSL3015).
internal static class HeadChecks
{
    /// <summary>The named argument a head or MLP pruning diagnostic points at: KeepHeads when written, else KeepHidden.</summary>
    public static string Key(VariantSpec variant) => variant.KeepHeads is not null ? "KeepHeads" : "KeepHidden";

    public static void Check(AttributeData attribute, ModelSpec spec, ShapeResult shapes, VariantSpec variant, bool reportPlan, Reporter report)
    {
        if (!HeadPruning.Asks(variant, out var keepHeads, out var keepHidden) || VariantRewrite.NotGenerated(variant) is not null)
        {
            return;
        }

        var cancellationToken = report.CancellationToken;
        foreach (var (key, heads, hidden) in new[] { ("KeepHeads", keepHeads, 1.0), ("KeepHidden", 1.0, keepHidden) })
        {
            if ((heads < 1 || hidden < 1) && HeadPruning.PrunesNothing(spec, heads, hidden) is { } why)
            {
                var fraction = (heads < 1 ? heads : hidden).ToString("R", CultureInfo.InvariantCulture);
                report.Report(DiagnosticDescriptors.NothingToPrune, Syntax.Named(attribute, key, cancellationToken), key, fraction, variant.Name, why);
            }
        }

        if (reportPlan && VariantRewrite.Of(spec, variant) is { Prunes: true } rewrite && ChannelPlan.Of(shapes, rewrite.Shapes).Unsupported is { } cannot)
        {
            report.Report(DiagnosticDescriptors.VariantNotBuildableFromDense, Syntax.Named(attribute, Key(variant), cancellationToken), variant.Name, cannot);
        }
    }
}
