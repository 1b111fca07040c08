using System.Globalization;
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
            // As MemberParser names a member: one attribute is the member (a layer's Name overrides the property's name);
            // several are an nn.Sequential named by the property.
            var snake = Names.ToSnakeCase(property.Name);
            var memberName = attributes.Count == 1 && IsLayer(attributes[0]) ? NameArgument(attributes[0]) ?? snake : snake;
            if (memberName != segments[0])
            {
                continue;
            }

            return Syntax.Location(attributes.Count > 1 && segments.Length > 1 ? Child(attributes, segments[1]) ?? attributes[0] : attributes[0], cancellationToken);
        }

        return Syntax.ClassName(type, cancellationToken);
    }

    // The attribute at one position of a member's nn.Sequential, numbered as shape inference numbers it: every layer
    // takes a position (a named one is called by its Name), an unnamed stage one position per block, named by its Item
    // pattern ("{i}" by default) with the running number.
    private static AttributeData? Child(IReadOnlyList<AttributeData> attributes, string segment)
    {
        var index = 0;
        foreach (var attribute in attributes)
        {
            if (Symbols.Is(attribute.AttributeClass, "StageAttribute"))
            {
                var blocks = attribute.NamedArguments.FirstOrDefault(n => n.Key == "Blocks").Value.Value as int? ?? 1;
                var item = attribute.NamedArguments.FirstOrDefault(n => n.Key == "Item").Value.Value as string ?? "{i}";
                for (var i = 0; i < Math.Max(1, blocks); i++, index++)
                {
                    if (item.Replace("{i}", index.ToString(CultureInfo.InvariantCulture)) == segment)
                    {
                        return attribute;
                    }
                }

                continue;
            }

            var name = IsLayer(attribute) ? NameArgument(attribute) : null;
            if ((name ?? index.ToString(CultureInfo.InvariantCulture)) == segment)
            {
                return attribute;
            }

            index++;
        }

        return null;
    }

    private static bool IsLayer(AttributeData attribute) =>
        !Symbols.Is(attribute.AttributeClass, "BlockAttribute") && !Symbols.Is(attribute.AttributeClass, "StageAttribute");

    private static string? NameArgument(AttributeData attribute) =>
        attribute.NamedArguments.FirstOrDefault(n => n.Key == "Name").Value.Value as string;
}
