using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelDsl.Generators;
using ModelDsl.Spec;

namespace ModelDsl.Analyzers;

// The arguments of one layer attribute against the spec's argument table (LayerArguments): an integer argument takes
// a number or an expression over the names in scope, a flag true/false, a real a number, a text a string.
internal static class LayerChecks
{
    public static void Arguments(AttributeData attribute, HashSet<string> scope, string owner, Reporter report)
    {
        if (attribute.AttributeClass is not { } type || attribute.AttributeConstructor is not { } constructor)
        {
            return;
        }

        var display = type.Name.EndsWith("Attribute", StringComparison.Ordinal) ? type.Name.Substring(0, type.Name.Length - "Attribute".Length) : type.Name;
        // The generator's own table of layer attributes, so that every attribute it generates is known here too.
        if (!LayerAttributeKinds.TryGet(type, out var kind, out _))
        {
            report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Location(attribute, report.CancellationToken), display, display, "'" + display + "' is not a ModelDsl layer");
            return;
        }

        for (var i = 0; i < attribute.ConstructorArguments.Length && i < constructor.Parameters.Length; i++)
        {
            var name = constructor.Parameters[i].Name;
            Value(attribute.ConstructorArguments[i], name, ArgumentNames.ToSpec(name), kind, display, scope, owner, Syntax.Positional(attribute, i, report.CancellationToken), report);
        }

        foreach (var named in attribute.NamedArguments)
        {
            var location = Syntax.Named(attribute, named.Key, report.CancellationToken);
            if (named.Key == "Name")
            {
                if (named.Value.Kind != TypedConstantKind.Error && named.Value.Value is not string)
                {
                    report.Report(DiagnosticDescriptors.MalformedArgument, location, named.Key, display, "expected a state-dict name");
                }

                continue;
            }

            Value(named.Value, named.Key, ArgumentNames.ToSpec(named.Key), kind, display, scope, owner, location, report);
        }
    }

    private static void Value(TypedConstant value, string csharpName, string specName, LayerKind kind, string display, HashSet<string> scope, string owner, Location? location, Reporter report)
    {
        // The compiler already reports a constant it could not bind.
        if (value.Kind == TypedConstantKind.Error)
        {
            return;
        }

        var definition = LayerArguments.For(kind).FirstOrDefault(d => d.Name == specName);
        if (definition is null)
        {
            return;
        }

        var expected = definition.Type switch
        {
            ArgumentType.Int => value.Value is int or long or short or byte or sbyte or ushort or uint or string ? null : "expected an integer or an expression",
            ArgumentType.Bool => value.Value is bool ? null : "expected true or false",
            ArgumentType.Real => value.Value is double or float or int or long ? null : "expected a number",
            _ => value.Value is string ? null : "expected a string",
        };
        if (value.Kind != TypedConstantKind.Primitive || value.IsNull)
        {
            expected ??= "expected a single constant";
        }

        if (expected is not null)
        {
            report.Report(DiagnosticDescriptors.MalformedArgument, location, csharpName, display, expected + ", got " + value.ToCSharpString());
        }
        else if (definition.Type == ArgumentType.Int && value.Value is string text)
        {
            Expressions.Check(text, scope, owner, location, report);
        }
    }
}
