using ModelDsl.Analyzers;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// A shape error (or a cost beyond 64 bits) as a diagnostic: which descriptor and what it says. The analyzers report it on
// the error's location; the generator names it in the completion it writes instead of the model.
internal static class ShapeDiagnostics
{
    public static (Microsoft.CodeAnalysis.DiagnosticDescriptor Descriptor, object[] Arguments) Of(ShapeError error, string model)
    {
        var path = error.Path.Length == 0 ? model : error.Path;
        return error.Kind switch
        {
            ShapeErrorKind.ShapeMismatch => (DiagnosticDescriptors.ShapeMismatch, new object[] { path, error.Expected, error.Actual }),
            ShapeErrorKind.ResidualMismatch => (DiagnosticDescriptors.ResidualMismatch, new object[] { path, error.Expected, error.Actual }),
            ShapeErrorKind.KernelTooLarge => (DiagnosticDescriptors.KernelTooLarge, new object[] { path, error.Expected, error.Actual }),
            ShapeErrorKind.InvalidInput => (DiagnosticDescriptors.InvalidInput, new object[] { model, error.Expected, error.Actual }),
            ShapeErrorKind.Overflow => (DiagnosticDescriptors.CostOverflow, new object[] { model, error.Path.Length == 0 ? "the model total" : "layer '" + error.Path + "'" }),
            _ => (DiagnosticDescriptors.InvalidLayerArgument, new object[] { path, error.Argument is null ? string.Empty : " (" + error.Argument + ")", error.Expected, error.Actual }),
        };
    }

    /// <summary>The diagnostic as one line: <c>MDSL1003: Layer 'stem' …</c>.</summary>
    public static string Line(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, object[] arguments) =>
        descriptor.Id + ": " + string.Format(System.Globalization.CultureInfo.InvariantCulture, descriptor.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture), arguments);
}
