using Microsoft.CodeAnalysis;
using ModelDsl.Generators;
using ModelDsl.Spec;

namespace ModelDsl.Analyzers;

// Turns the first ShapeError into a diagnostic on the attribute that made the offending layer. A layer path
// (stem.1, layer1.0.conv2) names its member by the member's snake_case name and, inside a member with several layer
// attributes, the layer by position or by its Name; a path inside a block is reported on the [Block]/[Stage] use.
internal static class ShapeDiagnostics
{
    public static void Report(INamedTypeSymbol type, AttributeData model, ShapeError error, Reporter report)
    {
        var cancellationToken = report.CancellationToken;
        var location = error.Path.Length == 0 ? Syntax.Location(model, cancellationToken) : Locate(type, error.Path, cancellationToken);
        var path = error.Path.Length == 0 ? type.Name : error.Path;
        switch (error.Kind)
        {
            case ShapeErrorKind.ShapeMismatch:
                report.Report(DiagnosticDescriptors.ShapeMismatch, location, path, error.Expected, error.Actual);
                break;
            case ShapeErrorKind.ResidualMismatch:
                report.Report(DiagnosticDescriptors.ResidualMismatch, location, path, error.Expected, error.Actual);
                break;
            case ShapeErrorKind.KernelTooLarge:
                report.Report(DiagnosticDescriptors.KernelTooLarge, location, path, error.Expected, error.Actual);
                break;
            case ShapeErrorKind.InvalidInput:
                report.Report(DiagnosticDescriptors.InvalidInput, Syntax.Location(model, cancellationToken), type.Name, error.Expected, error.Actual);
                break;
            default:
                report.Report(DiagnosticDescriptors.InvalidLayerArgument, location, path, error.Argument is null ? string.Empty : " (" + error.Argument + ")", error.Expected, error.Actual);
                break;
        }
    }

    /// <summary>The attribute that declared the layer at <paramref name="path"/>; the class name when none matches.</summary>
    public static Location? Locate(INamedTypeSymbol type, string path, CancellationToken cancellationToken)
    {
        var segments = path.Split('.');
        foreach (var (property, attributes) in Members.Of(type))
        {
            if (Names.ToSnakeCase(property.Name) != segments[0])
            {
                continue;
            }

            var attribute = attributes[0];
            if (attributes.Count > 1 && segments.Length > 1)
            {
                attribute = int.TryParse(segments[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) && index < attributes.Count
                    ? attributes[index]
                    : attributes.FirstOrDefault(a => a.NamedArguments.Any(n => n.Key == "Name" && n.Value.Value as string == segments[1])) ?? attribute;
            }

            return Syntax.Location(attribute, cancellationToken);
        }

        return Syntax.ClassName(type, cancellationToken);
    }
}
