using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelDsl.Analyzers;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// The [Model] attribute's input (InputShape with an optional Kind, or SequenceLength and Vocabulary for token ids) and
// its memory format. Sizes themselves (positive, the right rank) are judged by shape inference (MDSL1005).
internal static class InputParser
{
    public static (InputSpec? Input, MemoryFormat Format) Parse(INamedTypeSymbol type, AttributeData model, DiagnosticBag report)
    {
        var cancellationToken = report.CancellationToken;
        int[]? shape = null;
        int length = 0, vocabulary = 0;
        var kind = InputKind.Auto;
        var format = MemoryFormat.Auto;
        var valid = true;
        foreach (var named in model.NamedArguments)
        {
            if (named.Value.Kind == TypedConstantKind.Error)
            {
                return (null, format);
            }

            var location = Syntax.Named(model, named.Key, cancellationToken);
            switch (named.Key)
            {
                case "InputShape" when named.Value.Kind == TypedConstantKind.Array && !named.Value.IsNull:
                    shape = named.Value.Values.Select(v => v.Value is int d ? d : 0).ToArray();
                    break;
                case "InputShape":
                    report.Report(DiagnosticDescriptors.MalformedArgument, location, named.Key, "Model", "expected an array of sizes, e.g. [3, 32, 32]");
                    return (null, format);
                case "SequenceLength" when named.Value.Value is int value:
                    length = value;
                    break;
                case "Vocabulary" when named.Value.Value is int value:
                    vocabulary = value;
                    break;
                case "Kind" when named.Value.Value is int value && Enum.IsDefined(typeof(InputKind), value):
                    kind = (InputKind)value;
                    break;
                case "MemoryFormat" when named.Value.Value is int value && Enum.IsDefined(typeof(MemoryFormat), value):
                    format = (MemoryFormat)value;
                    break;
                case "Kind" or "MemoryFormat":
                    report.Report(DiagnosticDescriptors.MalformedArgument, location, named.Key, "Model", "expected one of " + string.Join(", ", Enum.GetNames(named.Key == "Kind" ? typeof(InputKind) : typeof(MemoryFormat)).Select(n => named.Key + "." + n)) + ", got " + ConstantText.Shown(named.Value));
                    valid = false;
                    break;
                default:
                    report.Report(DiagnosticDescriptors.MalformedArgument, location, named.Key, "Model", "unexpected value " + ConstantText.Shown(named.Value));
                    return (null, format);
            }
        }

        var tokens = length != 0 || vocabulary != 0;
        if (shape is not null && tokens)
        {
            report.Report(DiagnosticDescriptors.MissingInput, Syntax.Location(model, cancellationToken), type.Name, "sets both InputShape and SequenceLength/Vocabulary: a model has one input");
            return (null, format);
        }

        if (shape is null)
        {
            if (length > 0 && vocabulary > 0)
            {
                return (valid ? InputSpec.Tokens(length, vocabulary) : null, format);
            }

            report.Report(DiagnosticDescriptors.MissingInput, Syntax.Location(model, cancellationToken), type.Name, "declares no input: set InputShape = [...], or SequenceLength and Vocabulary for token ids");
            return (null, format);
        }

        // Auto decides by rank; a wrong rank for a declared kind is a shape error (MDSL1005).
        var inputKind = kind switch
        {
            InputKind.Image => Spec.InputKind.Image,
            InputKind.Vector => Spec.InputKind.Vector,
            InputKind.Sequence => Spec.InputKind.Sequence,
            InputKind.Signal => Spec.InputKind.Signal,
            _ => shape.Length switch { 3 => Spec.InputKind.Image, 1 => Spec.InputKind.Vector, _ => Spec.InputKind.Sequence },
        };
        return (valid ? new InputSpec(inputKind, shape.ToEquatableArray()) : null, format);
    }
}
