using System.Globalization;
using Microsoft.CodeAnalysis;
using ModelDsl.Generators;
using ModelDsl.Spec;

namespace ModelDsl.Analyzers;

// The 1xxx, 2xxx and 3xxx families on a model the parser built: the resolved tree from Shapes.Infer, costs by Cost.Of,
// budgets by Budgets.Check — the generator's own spec through the shared library, so the numbers are the emitted constants.
internal static class ModelChecks
{
    public static void Run(INamedTypeSymbol type, AttributeData model, ModelTarget target, Reporter report)
    {
        var spec = target.Spec;
        var cancellationToken = report.CancellationToken;
        var shapes = Shapes.Infer(spec);
        if (shapes.Error is { } error)
        {
            // Inference records the model-level attribute whose expansion failed; the input and totals belong to the model.
            var (descriptor, arguments) = ShapeDiagnostics.Of(error, type.Name);
            var location = report.ToLocation(error.Location) ??
                (error.Kind is ShapeErrorKind.InvalidInput or ShapeErrorKind.Overflow ? Syntax.Location(model, cancellationToken) : Syntax.ClassName(type, cancellationToken));
            report.Report(descriptor, location, arguments);
            return;
        }

        if (Unsupported(shapes.Roots, null) is { } unsupported)
        {
            report.Report(DiagnosticDescriptors.UnsupportedLayer, report.ToLocation(unsupported.Location), unsupported.Layer.Path, unsupported.Layer.Kind.ToString(), LayerFactory.Options(unsupported.Layer));
            return;
        }

        // A warning: the model is valid and generated as declared, so the cost and budget checks still run after it.
        FeatureMapChecks.Run(spec, shapes, report);

        var cost = Cost.Of(shapes);
        if (GeneratedText.Characters(SummaryTable.Format(target.ClassName, spec.Input, shapes, cost), shapes) is var characters && characters > GeneratedText.Limit)
        {
            report.Report(DiagnosticDescriptors.TooLargeToGenerate, Syntax.Location(model, cancellationToken), type.Name, characters.ToString("N0", CultureInfo.InvariantCulture), GeneratedText.Limit.ToString("N0", CultureInfo.InvariantCulture));
            return;
        }

        var total = shapes.Total;
        report.Report(
            DiagnosticDescriptors.ModelCost,
            Syntax.ClassName(type, cancellationToken),
            type.Name,
            Format.Millions(total.Flops),
            Format.Millions(total.Macs),
            total.Parameters.ToString("N0", CultureInfo.InvariantCulture),
            total.WeightBytes.ToString("N0", CultureInfo.InvariantCulture));

        // A variant that becomes a class is a model of its own cost (the rewrite its generated constants come from),
        // shown on its [Variant]: the pruned widths, the factored Linears, the int8/int4 weight bytes.
        var variants = VariantChecks.Attributes(type).ToList();
        for (var i = 0; i < spec.Variants.Count && i < variants.Count; i++)
        {
            if (VariantRewrite.Of(spec, spec.Variants[i]) is { Cost: { Succeeded: true, Total: var pruned } })
            {
                report.Report(
                    DiagnosticDescriptors.ModelCost,
                    Syntax.Location(variants[i], cancellationToken),
                    type.Name + spec.Variants[i].Name,
                    Format.Millions(pruned.Flops),
                    Format.Millions(pruned.Macs),
                    pruned.Parameters.ToString("N0", CultureInfo.InvariantCulture),
                    pruned.WeightBytes.ToString("N0", CultureInfo.InvariantCulture));
            }
        }

        VariantChecks.Compression(type, spec, shapes, report);
        if (spec.Budget is { } budget)
        {
            BudgetChecks.Run(type, spec, cost, budget, report);
        }
    }

    // The first layer the runtime has no module for, with the model-level attribute it came from.
    private static (LayerShape Layer, SourceLocation? Location)? Unsupported(IEnumerable<ResolvedNode> nodes, SourceLocation? declared)
    {
        foreach (var node in nodes)
        {
            var location = declared ?? node.Location;
            if (node.Layer is { } layer && LayerFactory.New(layer) is null)
            {
                return (layer, location);
            }

            // Inside a block the use is what the user can change; inside a model-level nn.Sequential, the child itself.
            var inner = node.Kind == LayerKind.Block ? location : declared;
            var found = Unsupported(node.Children, inner) ?? (node.Projection is { } projection ? Unsupported(new[] { projection }, location) : null);
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }
}
