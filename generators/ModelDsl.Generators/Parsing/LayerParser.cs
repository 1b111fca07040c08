using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelDsl.Analyzers;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// One layer attribute ([Conv2d(64, Kernel = 3)]) to a spec node, judged against the spec's argument table
// (LayerArguments): an integer argument takes a number or an expression over the names in scope, a flag true/false, a
// real a number, a text a string. What needs shapes (an argument the kind does not take, a non-positive size) is left
// to shape inference, which reports it on the same attribute.
internal static class LayerParser
{
    public static LayerSpec? Parse(AttributeData attribute, HashSet<string> scope, string owner, DiagnosticBag report)
    {
        // An attribute the compiler could not bind is the compiler's to report.
        if (attribute.AttributeClass is not { } type || attribute.AttributeConstructor is not { } constructor)
        {
            return null;
        }

        var display = type.Name.EndsWith("Attribute", StringComparison.Ordinal) ? type.Name.Substring(0, type.Name.Length - "Attribute".Length) : type.Name;
        if (!LayerAttributeKinds.TryGet(type, out var kind, out var implied))
        {
            report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Location(attribute, report.CancellationToken), display, display, "'" + display + "' is not a ModelDsl layer");
            return null;
        }

        if (kind == LayerKind.Custom)
        {
            return CustomLayerParser.Parse(attribute, scope, owner, report);
        }

        var args = new List<Arg>(implied);
        var valid = true;
        for (var i = 0; i < attribute.ConstructorArguments.Length && i < constructor.Parameters.Length; i++)
        {
            var name = constructor.Parameters[i].Name;
            valid &= Value(args, attribute.ConstructorArguments[i], name, kind, display, scope, owner, Syntax.Positional(attribute, i, report.CancellationToken), report);
        }

        string? childName = null;
        var layout = kind == LayerKind.MultiheadAttention ? args.FirstOrDefault(a => a.Name == "layout")?.Value ?? "torch" : string.Empty;
        var parts = InnerNames.Parts(kind, layout);
        var partNames = new List<PartNameChecks.Declared>();
        foreach (var named in attribute.NamedArguments)
        {
            var location = Syntax.Named(attribute, named.Key, report.CancellationToken);
            if (named.Key == "Name")
            {
                valid &= ParseName(named.Value, location, display, report, out childName);
                continue;
            }

            var specName = ArgumentNames.ToSpec(named.Key);
            if (parts.Any(p => p.Argument == specName) && named.Value.Value is string partName)
            {
                partNames.Add(new PartNameChecks.Declared(named.Key, specName, partName, location));
            }

            valid &= Value(args, named.Value, named.Key, kind, display, scope, owner, location, report);
        }

        valid &= PartNameChecks.Check(kind, layout, partNames, display, report);

        return valid ? new LayerSpec(childName, kind, args.ToArray()) { Location = DiagnosticBag.ToSource(Syntax.Location(attribute, report.CancellationToken)) } : null;
    }

    /// <summary>A layer's <c>Name</c>: a state-dict segment (a dot would make it two, and the module could never be registered).</summary>
    public static bool ParseName(TypedConstant value, Location? location, string display, DiagnosticBag report, out string? name)
    {
        name = null;
        if (value.Kind == TypedConstantKind.Error)
        {
            return false;
        }

        if (value.Value is string text && Names.IsSegment(text))
        {
            name = text;
            return true;
        }

        report.Report(DiagnosticDescriptors.MalformedArgument, location, "Name", display, "expected a state-dict name (letters, digits, '_'), got " + ConstantText.Shown(value));
        return false;
    }

    // A norm's epsilon divides by √(var + eps), so it must be positive (zero divides by zero on a constant channel); a
    // running-statistics momentum is a blend weight in [0, 1]. Other reals are checked by shape inference, or free.
    private static string? RealRange(string specName, double value) => specName switch
    {
        "eps" when !(value > 0) || double.IsInfinity(value) => "expected a positive, finite epsilon",
        "momentum" when !(value >= 0 && value <= 1) => "expected a momentum in [0, 1]",
        _ => null,
    };

    private static bool Value(List<Arg> args, TypedConstant value, string csharpName, LayerKind kind, string display, HashSet<string> scope, string owner, Location? location, DiagnosticBag report)
    {
        if (value.Kind == TypedConstantKind.Error)
        {
            return false;
        }

        var specName = ArgumentNames.ToSpec(csharpName);
        var definition = LayerArguments.For(kind).FirstOrDefault(d => d.Name == specName);
        var expected = definition?.Type switch
        {
            null => null,
            ArgumentType.Int => value.Value is int or long or short or byte or sbyte or ushort or uint or string ? null : "expected an integer or an expression",
            ArgumentType.Bool => value.Value is bool ? null : "expected true or false",
            ArgumentType.Real => value.Value is double or float or int or long ? null : "expected a number",
            _ => value.Value is string ? null : "expected a string",
        };
        var text = ConstantText.Of(value);
        if (value.Kind != TypedConstantKind.Primitive || value.IsNull || text is null)
        {
            expected ??= "expected a single constant";
        }

        expected ??= definition?.Type == ArgumentType.Real ? RealRange(specName, Convert.ToDouble(value.Value, System.Globalization.CultureInfo.InvariantCulture)) : null;

        if (expected is not null)
        {
            report.Report(DiagnosticDescriptors.MalformedArgument, location, csharpName, display, expected + ", got " + ConstantText.Shown(value));
            return false;
        }

        if (definition?.Type == ArgumentType.Int && value.Value is string expression && !ExpressionChecks.Check(expression, scope, owner, location, report, (csharpName, display)))
        {
            return false;
        }

        args.Add(new Arg(specName, text!));
        return true;
    }
}
