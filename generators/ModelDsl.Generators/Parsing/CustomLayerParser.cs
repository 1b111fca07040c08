using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelDsl.Analyzers;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// [Custom(typeof(T), args…, Output = […], Parameters = …, Macs = …, Flops = …)] to a Custom spec node. What the compiler
// knows is checked here (T is a non-abstract Module<Tensor, Tensor> with a public constructor taking the arguments,
// each expression names only what is in scope); what needs shapes (the values, the declared output against the next
// layer) is shape inference's, and what only running the module shows (its parameter count, its output shape) the
// generated code checks when the model is built and at every forward.
internal static class CustomLayerParser
{
    private const string TensorModule = "TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>";

    // A custom module that writes its own ONNX nodes; the generated ExportOnnx calls it instead of refusing the layer.
    private const string OnnxExportable = "ModelDsl.Onnx.IOnnxExportable";

    public static LayerSpec? Parse(AttributeData attribute, HashSet<string> scope, string owner, DiagnosticBag report)
    {
        var cancellationToken = report.CancellationToken;
        if (attribute.ConstructorArguments.Length != 2 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol type)
        {
            // typeof of something that does not bind, or no type at all: the compiler reports it.
            return null;
        }

        var typeLocation = Syntax.Positional(attribute, 0, cancellationToken);
        var display = type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
        if (type.TypeKind == TypeKind.Error)
        {
            return null;
        }

        var names = new HashSet<string>(scope, StringComparer.Ordinal);
        names.UnionWith(CustomLayer.InputNames);
        var valid = true;

        // Constructor arguments: a params object[], so each element is its own positional argument in the source.
        var arguments = new List<string>();
        var kinds = new List<ArgumentKind>();
        var elements = attribute.ConstructorArguments[1];
        var values = elements.Kind == TypedConstantKind.Array && !elements.IsNull ? elements.Values : default;
        for (var i = 0; !values.IsDefault && i < values.Length; i++)
        {
            var location = Syntax.Positional(attribute, i + 1, cancellationToken);
            var value = values[i];
            switch (value.Kind == TypedConstantKind.Primitive ? value.Value : null)
            {
                case string expression:
                    valid &= ExpressionChecks.Check(expression, names, owner, location, report);
                    arguments.Add("i:" + expression);
                    kinds.Add(ArgumentKind.Integer);
                    break;
                case int or long or short or sbyte or byte or ushort or uint:
                    arguments.Add("i:" + ConstantText.Of(value));
                    kinds.Add(ArgumentKind.Integer);
                    break;
                case bool flag:
                    arguments.Add("b:" + (flag ? "true" : "false"));
                    kinds.Add(ArgumentKind.Boolean);
                    break;
                case double or float:
                    arguments.Add("r:" + ConstantText.Of(value));
                    kinds.Add(ArgumentKind.Real);
                    break;
                default:
                    report.Report(DiagnosticDescriptors.MalformedArgument, location, "argument " + (i + 1), "Custom", "expected an integer, an expression, true/false or a number, got " + ConstantText.Shown(value));
                    valid = false;
                    break;
            }
        }

        var args = new List<Arg> { Arg.Of("type", type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)), Arg.Of("arguments", CustomLayer.Join(arguments)) };
        if (type.AllInterfaces.Any(i => i.ToDisplayString() == OnnxExportable))
        {
            args.Add(Arg.Of("onnx", true));
        }

        string? childName = null;
        foreach (var named in attribute.NamedArguments)
        {
            var location = Syntax.Named(attribute, named.Key, cancellationToken);
            if (named.Value.Kind == TypedConstantKind.Error)
            {
                valid = false;
                continue;
            }

            switch (named.Key)
            {
                case "Name":
                    valid &= LayerParser.ParseName(named.Value, location, "Custom", report, out childName);
                    break;
                case "Output":
                    var dims = new List<string>();
                    foreach (var dim in named.Value.IsNull ? Enumerable.Empty<TypedConstant>() : named.Value.Values)
                    {
                        valid &= Size(dim, "Output", names, owner, location, report, out var text);
                        dims.Add(text);
                    }

                    if (dims.Count == 0)
                    {
                        report.Report(DiagnosticDescriptors.MalformedArgument, location, "Output", "Custom", "expected at least one dimension; leave Output out for the input's shape");
                        valid = false;
                    }

                    args.Add(Arg.Of("output", CustomLayer.Join(dims)));
                    break;
                case "Parameters" or "Macs" or "Flops":
                    valid &= Size(named.Value, named.Key, names, owner, location, report, out var size);
                    args.Add(Arg.Of(named.Key.ToLowerInvariant(), size));
                    break;
            }
        }

        if (Unusable(type, kinds) is { } why)
        {
            report.Report(DiagnosticDescriptors.CustomLayerType, typeLocation, display, why);
            valid = false;
        }

        return valid ? new LayerSpec(childName, LayerKind.Custom, args.ToArray()) { Location = DiagnosticBag.ToSource(Syntax.Location(attribute, cancellationToken)) } : null;
    }

    // An integer or an expression over the names in scope.
    private static bool Size(TypedConstant value, string what, HashSet<string> names, string owner, Location? location, DiagnosticBag report, out string text)
    {
        text = string.Empty;
        switch (value.Kind == TypedConstantKind.Primitive ? value.Value : null)
        {
            case string expression:
                text = expression;
                return ExpressionChecks.Check(expression, names, owner, location, report);
            case int or long or short or sbyte or byte or ushort or uint:
                text = ConstantText.Of(value)!;
                return true;
            default:
                report.Report(DiagnosticDescriptors.MalformedArgument, location, what, "Custom", "expected an integer or an expression, got " + ConstantText.Shown(value));
                return false;
        }
    }

    // Why the generated `new T(…)` could not compile or would not be a layer; null when it is fine.
    private static string? Unusable(INamedTypeSymbol type, List<ArgumentKind> kinds)
    {
        var isModule = false;
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            isModule |= t.ToDisplayString() == TensorModule;
        }

        if (!isModule)
        {
            return "it does not derive from " + TensorModule;
        }

        if (type.IsAbstract || type.IsUnboundGenericType || type.TypeKind != TypeKind.Class)
        {
            return "it is abstract or an open generic type";
        }

        var constructors = type.InstanceConstructors
            .Where(c => c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal)
            .ToList();
        if (constructors.Any(c => Takes(c, kinds)))
        {
            return null;
        }

        var have = constructors.Count == 0
            ? "it has no public constructor"
            : "its constructors take (" + string.Join("), (", constructors.Select(c => string.Join(", ", c.Parameters.Select(p => p.Type.ToDisplayString() + " " + p.Name))).OrderBy(s => s, StringComparer.Ordinal)) + ")";
        var given = kinds.Count == 0 ? "no arguments" : string.Join(", ", kinds.Select(k => k.ToString().ToLowerInvariant()));
        return "no constructor takes " + given + "; " + have;
    }

    private static bool Takes(IMethodSymbol constructor, List<ArgumentKind> kinds)
    {
        var parameters = constructor.Parameters;
        var required = parameters.Count(p => !p.IsOptional && !p.IsParams);
        if (kinds.Count < required || (kinds.Count > parameters.Length && !(parameters.Length > 0 && parameters[parameters.Length - 1].IsParams)))
        {
            return false;
        }

        for (var i = 0; i < kinds.Count; i++)
        {
            var parameter = parameters[Math.Min(i, parameters.Length - 1)];
            var parameterType = parameter.IsParams && parameter.Type is IArrayTypeSymbol array ? array.ElementType : parameter.Type;
            if (!Accepts(parameterType, kinds[i]))
            {
                return false;
            }
        }

        return true;
    }

    // The literal the generator writes (a long's digits, true/false, a double) converts implicitly to the parameter.
    private static bool Accepts(ITypeSymbol type, ArgumentKind kind) => type.SpecialType switch
    {
        SpecialType.System_Object => true,
        SpecialType.System_Int64 or SpecialType.System_Int32 => kind == ArgumentKind.Integer,
        SpecialType.System_Double => kind is ArgumentKind.Integer or ArgumentKind.Real,
        SpecialType.System_Single => kind == ArgumentKind.Integer,
        SpecialType.System_Boolean => kind == ArgumentKind.Boolean,
        _ => false,
    };

    private enum ArgumentKind
    {
        Integer,
        Boolean,
        Real,
    }
}
