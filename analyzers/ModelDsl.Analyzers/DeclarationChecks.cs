using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelDsl.Generators;
using ModelDsl.Spec;

namespace ModelDsl.Analyzers;

// The 0xxx family (and the compression arguments that can be judged without shapes): everything the generator's
// parser would reject, said precisely and on the argument at fault. The parser returns null for all of these.
internal static class DeclarationChecks
{
    public static void Run(INamedTypeSymbol type, AttributeData? model, AttributeData? block, Reporter report)
    {
        var cancellationToken = report.CancellationToken;
        if (!Symbols.IsGeneratable(type, cancellationToken))
        {
            report.Report(DiagnosticDescriptors.ClassNotPartial, Syntax.ClassName(type, cancellationToken), type.Name);
        }

        var scope = new HashSet<string>(StringComparer.Ordinal) { "in_channels" };
        var owner = model is not null ? "a model (only numbers are allowed outside blocks)" : "block " + type.Name;
        if (block is not null && model is null)
        {
            BlockParameters(block, scope, report);
        }

        var members = Members.Of(type);
        foreach (var (property, attributes) in members)
        {
            MemberForm(property, attributes, report);
            foreach (var attribute in attributes)
            {
                if (Symbols.Is(attribute.AttributeClass, "BlockAttribute") || Symbols.Is(attribute.AttributeClass, "StageAttribute"))
                {
                    BlockUse(property, attribute, scope, owner, report);
                }
                else
                {
                    LayerChecks.Arguments(attribute, scope, owner, report);
                }
            }
        }

        if (members.Count == 0)
        {
            report.Report(DiagnosticDescriptors.NoLayers, Syntax.ClassName(type, cancellationToken), type.Name);
        }

        if (model is not null)
        {
            Input(type, model, report);
            Budget(type, report);
            VariantChecks.Declarations(type, report);
        }
        else if (block is not null && Symbols.Find(type, "ResidualAttribute") is { } residual)
        {
            Residual(residual, members, report);
        }
    }

    private static void MemberForm(IPropertySymbol property, IReadOnlyList<AttributeData> attributes, Reporter report)
    {
        if (!property.IsPartialDefinition || property.IsStatic || property.IsIndexer || property.IsVirtual || property.IsOverride ||
            property.GetMethod is null || property.SetMethod is not null || !Symbols.IsLayer(property.Type))
        {
            report.Report(
                DiagnosticDescriptors.LayerMemberForm,
                Syntax.PropertyName(property),
                property.Name,
                "must be an instance property declared 'partial Layer " + property.Name + " { get; }'");
            return;
        }

        var structural = attributes.Count(a => Symbols.Is(a.AttributeClass, "BlockAttribute") || Symbols.Is(a.AttributeClass, "StageAttribute"));
        if (structural > 0 && attributes.Count > 1)
        {
            report.Report(
                DiagnosticDescriptors.LayerMemberForm,
                Syntax.PropertyName(property),
                property.Name,
                "cannot combine a [Block] or [Stage] with other layer attributes: give each its own member");
        }
    }

    private static void BlockParameters(AttributeData block, HashSet<string> scope, Reporter report)
    {
        if (block.ConstructorArguments.Length != 1 || block.ConstructorArguments[0].Kind != TypedConstantKind.Array)
        {
            if (block.ConstructorArguments.Length == 2)
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Location(block, report.CancellationToken), "block", "Block", "a block class declares its parameters, [Block(\"planes\", \"stride = 1\")]; [Block(typeof(X))] belongs on a layer member");
            }

            return;
        }

        var values = block.ConstructorArguments[0].Values;
        for (var i = 0; i < values.Length; i++)
        {
            var location = Syntax.Positional(block, i, report.CancellationToken);
            if (values[i].Value is not string text)
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, location, "parameters", "Block", "expected \"name\" or \"name = default\"");
                continue;
            }

            var (name, value) = Assignment.Split(text);
            if (name is null || (value is null && text.IndexOf('=') >= 0))
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, location, text, "Block", "expected \"name\" or \"name = default\"");
                continue;
            }

            if (!scope.Add(name) && name != "in_channels")
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, location, text, "Block", "parameter '" + name + "' is declared twice");
                continue;
            }

            if (value is not null)
            {
                Expressions.Check(value, scope, "this block's earlier parameters", location, report);
            }
        }
    }

    private static void BlockUse(IPropertySymbol property, AttributeData attribute, HashSet<string> scope, string owner, Reporter report)
    {
        var cancellationToken = report.CancellationToken;
        var attributeName = Symbols.Is(attribute.AttributeClass, "StageAttribute") ? "Stage" : "Block";
        if (attribute.ConstructorArguments.Length != 2)
        {
            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Kind != TypedConstantKind.Error)
            {
                report.Report(
                    DiagnosticDescriptors.LayerMemberForm,
                    Syntax.PropertyName(property),
                    property.Name,
                    "declares a block; to use one write [Block(typeof(BlockClass), \"name = value\", ...)]");
            }

            return;
        }

        var typeArgument = attribute.ConstructorArguments[0];
        if (typeArgument.Kind == TypedConstantKind.Error)
        {
            return;
        }

        if (typeArgument.Value is not INamedTypeSymbol block || Symbols.Find(block, "BlockAttribute") is not { ConstructorArguments.Length: 1 } declaration ||
            Symbols.Find(block, "ModelAttribute") is not null)
        {
            var name = typeArgument.Value is ITypeSymbol named ? named.Name : "null";
            report.Report(DiagnosticDescriptors.UnknownBlock, Syntax.Positional(attribute, 0, cancellationToken), name);
            return;
        }

        var parameters = new HashSet<string>(
            (ConstantText.Strings(declaration.ConstructorArguments[0]) ?? new List<string>()).Select(p => Assignment.Split(p).Name).OfType<string>(),
            StringComparer.Ordinal);
        var arguments = attribute.ConstructorArguments[1];
        if (arguments.Kind == TypedConstantKind.Error)
        {
            return;
        }

        var values = arguments.Kind == TypedConstantKind.Array && !arguments.IsNull ? arguments.Values : ImmutableArrayOfNothing();
        for (var i = 0; i < values.Length; i++)
        {
            var location = Syntax.Positional(attribute, i + 1, cancellationToken);
            if (values[i].Value is not string text)
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, location, "arguments", attributeName, "expected \"name = value\"");
                continue;
            }

            var (name, value) = Assignment.Split(text);
            if (name is null || value is null)
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, location, text, attributeName, "expected \"name = value\"");
                continue;
            }

            if (!parameters.Contains(name) && name != "in_channels")
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, location, text, attributeName, "'" + name + "' is not a parameter of block " + block.Name);
                continue;
            }

            Expressions.Check(value, scope, owner, location, report);
        }

        foreach (var named in attribute.NamedArguments)
        {
            if (named.Value.Kind == TypedConstantKind.Error)
            {
                continue;
            }

            if (named.Key != "Blocks" || ConstantText.Int(named.Value) is null)
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Named(attribute, named.Key, cancellationToken), named.Key, attributeName, "expected Blocks = <integer>");
            }
        }
    }

    private static System.Collections.Immutable.ImmutableArray<TypedConstant> ImmutableArrayOfNothing() =>
        System.Collections.Immutable.ImmutableArray<TypedConstant>.Empty;

    private static void Input(INamedTypeSymbol type, AttributeData model, Reporter report)
    {
        var cancellationToken = report.CancellationToken;
        bool shape = false, tokens = false;
        foreach (var named in model.NamedArguments)
        {
            if (named.Value.Kind == TypedConstantKind.Error)
            {
                return;
            }

            switch (named.Key)
            {
                case "InputShape" when named.Value.Kind == TypedConstantKind.Array && !named.Value.IsNull:
                    shape = true;
                    break;
                case "InputShape":
                    report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Named(model, named.Key, cancellationToken), named.Key, "Model", "expected an array of sizes, e.g. [3, 32, 32]");
                    return;
                case "SequenceLength" or "Vocabulary" when named.Value.Value is int value:
                    tokens |= value != 0;
                    break;
                case "Kind" when named.Value.Value is int:
                    break;
                default:
                    report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Named(model, named.Key, cancellationToken), named.Key, "Model", "unexpected value " + named.Value.ToCSharpString());
                    return;
            }
        }

        var length = model.NamedArguments.FirstOrDefault(n => n.Key == "SequenceLength").Value.Value as int? ?? 0;
        var vocabulary = model.NamedArguments.FirstOrDefault(n => n.Key == "Vocabulary").Value.Value as int? ?? 0;
        if (shape && tokens)
        {
            report.Report(DiagnosticDescriptors.MissingInput, Syntax.Location(model, cancellationToken), type.Name, "sets both InputShape and SequenceLength/Vocabulary: a model has one input");
        }
        else if (!shape && (length <= 0 || vocabulary <= 0))
        {
            report.Report(DiagnosticDescriptors.MissingInput, Syntax.Location(model, cancellationToken), type.Name, "declares no input: set InputShape = [...], or SequenceLength and Vocabulary for token ids");
        }
    }

    private static void Budget(INamedTypeSymbol type, Reporter report)
    {
        foreach (var attribute in type.GetAttributes())
        {
            var isFlop = Symbols.Is(attribute.AttributeClass, "FlopBudgetAttribute");
            if (!isFlop && !Symbols.Is(attribute.AttributeClass, "ParameterBudgetAttribute"))
            {
                continue;
            }

            foreach (var named in attribute.NamedArguments)
            {
                if (named.Value.Kind == TypedConstantKind.Error)
                {
                    continue;
                }

                var value = isFlop ? ConstantText.Real(named.Value) : ConstantText.Long(named.Value);
                if (value is not > 0)
                {
                    report.Report(
                        DiagnosticDescriptors.MalformedArgument,
                        Syntax.Named(attribute, named.Key, report.CancellationToken),
                        named.Key,
                        isFlop ? "FlopBudget" : "ParameterBudget",
                        "a budget is a positive number, got " + named.Value.ToCSharpString());
                }
            }
        }
    }

    private static void Residual(AttributeData residual, IReadOnlyList<(IPropertySymbol Property, IReadOnlyList<AttributeData> Attributes)> members, Reporter report)
    {
        if (residual.ConstructorArguments.Length == 1 && residual.ConstructorArguments[0].Value is not (0 or 1 or 2) &&
            residual.ConstructorArguments[0].Kind != TypedConstantKind.Error)
        {
            report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Positional(residual, 0, report.CancellationToken), "shortcut", "Residual", "expected Shortcut.Identity, Shortcut.Projection or Shortcut.IfSame");
        }

        foreach (var named in residual.NamedArguments)
        {
            var text = ConstantText.Of(named.Value);
            if (named.Key == "Through" && (text is null || !members.Any(m => m.Property.Name == text)))
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Named(residual, named.Key, report.CancellationToken), named.Key, "Residual", "'" + text + "' is not a layer member of this block");
            }
        }
    }
}
