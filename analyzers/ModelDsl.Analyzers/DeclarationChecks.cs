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

        // BlockParser reads exactly one [Block] declaration; ModelParser rejects a class that is both a model and a block.
        foreach (var extra in type.GetAttributes().Where(a => Symbols.Is(a.AttributeClass, "BlockAttribute")).Skip(model is null ? 1 : 0))
        {
            report.Report(
                DiagnosticDescriptors.MalformedArgument,
                Syntax.Location(extra, cancellationToken),
                "Block",
                "Block",
                model is null ? "a block class has one [Block(...)] declaration; merge the parameters into the first" : "a class is a [Model] or a [Block], not both");
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
            // Only BlockParser reads [Residual]: on a model it would be dropped without a word.
            foreach (var residual in type.GetAttributes().Where(a => Symbols.Is(a.AttributeClass, "ResidualAttribute")))
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Location(residual, cancellationToken), "Residual", "Residual", "a residual belongs on a [Block] class; use the block in the model");
            }

            Input(type, model, report);
            Budget(type, report);
            VariantChecks.Declarations(type, report);
        }
        else if (block is not null)
        {
            BlockCycles.Check(type, report);
            Residuals(type, members, report);
        }
    }

    private static void MemberForm(IPropertySymbol property, IReadOnlyList<AttributeData> attributes, Reporter report)
    {
        if (!property.IsPartialDefinition || property.IsStatic || property.IsIndexer || property.IsVirtual || property.IsOverride ||
            property.GetMethod is null || property.SetMethod is not null || !MemberParser.IsLayerType(property.Type))
        {
            report.Report(
                DiagnosticDescriptors.LayerMemberForm,
                Syntax.PropertyName(property),
                property.Name,
                "must be an instance property declared 'partial Layer " + property.Name + " { get; }'");
            return;
        }

        // A property typed as a block class (for typed access) holds exactly one use of that block.
        if (property.Type is INamedTypeSymbol typed && Symbols.Find(typed, "BlockAttribute") is not null &&
            !(attributes.Count == 1 && Symbols.Is(attributes[0].AttributeClass, "BlockAttribute") && attributes[0].ConstructorArguments.Length == 2 &&
              (attributes[0].ConstructorArguments[0].Kind == TypedConstantKind.Error ||
               SymbolEqualityComparer.Default.Equals(attributes[0].ConstructorArguments[0].Value as ITypeSymbol, typed))))
        {
            report.Report(
                DiagnosticDescriptors.LayerMemberForm,
                Syntax.PropertyName(property),
                property.Name,
                "is typed " + typed.Name + ", so it must hold one [Block(typeof(" + typed.Name + "), ...)]; type it Layer to hold anything else");
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

            var problem = (attributeName, named.Key) switch
            {
                ("Stage", "Blocks") => ConstantText.Int(named.Value) is > 0 ? null : "expected a positive number of blocks, got " + named.Value.ToCSharpString(),
                ("Stage", "Item") => named.Value.Value is string item && item.Contains("{i}")
                    ? null
                    : "expected a state-dict name pattern containing {i}, e.g. \"encoder_layer_{i}\", got " + named.Value.ToCSharpString(),
                ("Block", "Sequential") => "Sequential belongs on the block's declaration, [Block(..., Sequential = true)]",
                (_, "Name") => named.Value.Value is string name && name.Length > 0 && name.All(c => char.IsLetterOrDigit(c) || c == '_')
                    ? null
                    : "expected a state-dict name (letters, digits, '_'), got " + named.Value.ToCSharpString(),
                _ => "unexpected value " + named.Value.ToCSharpString(),
            };
            if (problem is not null)
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Named(attribute, named.Key, cancellationToken), named.Key, attributeName, problem);
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

    // Every [Residual] of a block, as BlockParser.Residuals reads them: a shortcut mode, a range of members From …
    // Through (default: all of them), disjoint from the other residuals' ranges, and constructor parameters (members,
    // projections, if-same flags) that do not clash.
    private static void Residuals(INamedTypeSymbol type, IReadOnlyList<(IPropertySymbol Property, IReadOnlyList<AttributeData> Attributes)> members, Reporter report)
    {
        var cancellationToken = report.CancellationToken;
        if (members.Count == 0)
        {
            // MDSL0007 says it: a block without layers has nothing to add a shortcut around.
            return;
        }

        var ranges = new List<(AttributeData Attribute, int Start, int End, string Shortcut, string ProjectionName)>();
        foreach (var residual in type.GetAttributes().Where(a => Symbols.Is(a.AttributeClass, "ResidualAttribute")))
        {
            var valid = true;
            var shortcut = residual.ConstructorArguments.Length == 1 ? residual.ConstructorArguments[0].Value switch { 0 => "identity", 1 => "projection", 2 => "if-same", _ => null } : null;
            if (shortcut is null)
            {
                valid = false;
                if (residual.ConstructorArguments.Length == 1 && residual.ConstructorArguments[0].Kind != TypedConstantKind.Error)
                {
                    report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Positional(residual, 0, cancellationToken), "shortcut", "Residual", "expected Shortcut.Identity, Shortcut.Projection or Shortcut.IfSameShape");
                }
            }

            int start = 0, end = members.Count;
            var projectionName = "downsample";
            foreach (var named in residual.NamedArguments)
            {
                if (named.Value.Kind == TypedConstantKind.Error)
                {
                    valid = false;
                    continue;
                }

                var text = ConstantText.Of(named.Value);
                var location = Syntax.Named(residual, named.Key, cancellationToken);
                switch (named.Key)
                {
                    case "From" or "Through":
                        var index = FindMember(members, text);
                        if (index < 0)
                        {
                            valid = false;
                            report.Report(DiagnosticDescriptors.MalformedArgument, location, named.Key, "Residual", "'" + text + "' is not a layer member of this block");
                        }
                        else if (named.Key == "From")
                        {
                            start = index;
                        }
                        else
                        {
                            end = index + 1;
                        }

                        break;
                    case "ProjectionName" when text is { Length: > 0 } && Names.IsIdentifier(text):
                        projectionName = text;
                        break;
                    default:
                        valid = false;
                        report.Report(DiagnosticDescriptors.MalformedArgument, location, named.Key, "Residual", named.Key == "ProjectionName" ? "expected a state-dict name, e.g. \"downsample\"" : "unexpected value " + named.Value.ToCSharpString());
                        break;
                }
            }

            if (valid && end <= start && end > 0)
            {
                valid = false;
                report.Report(
                    DiagnosticDescriptors.MalformedArgument,
                    Syntax.Named(residual, "Through", cancellationToken),
                    "Through",
                    "Residual",
                    "'" + members[end - 1].Property.Name + "' comes before From = '" + members[start].Property.Name + "'");
            }

            if (valid)
            {
                ranges.Add((residual, start, end, shortcut!, projectionName));
            }
        }

        // In member order, as the parser sorts them; a range may not reach into the next one.
        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        var parameters = new HashSet<string>(members.Select(m => Names.ToParameterName(m.Property.Name)), StringComparer.Ordinal);
        var ifSame = 0;
        for (var i = 0; i < ranges.Count; i++)
        {
            var (attribute, start, end, shortcut, projectionName) = ranges[i];
            if (i > 0 && start < ranges[i - 1].End)
            {
                report.Report(
                    DiagnosticDescriptors.MalformedArgument,
                    Syntax.Location(attribute, cancellationToken),
                    "From",
                    "Residual",
                    "its members overlap another residual's ('" + members[ranges[i - 1].Start].Property.Name + "' through '" + members[ranges[i - 1].End - 1].Property.Name + "'); residuals cover disjoint ranges");
                continue;
            }

            var parameter = shortcut switch
            {
                "projection" => Names.ToParameterName(projectionName),
                "if-same" => "residual" + (ifSame++ == 0 ? string.Empty : ifSame.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                _ => null,
            };
            if (parameter is not null && !parameters.Add(parameter))
            {
                report.Report(
                    DiagnosticDescriptors.MalformedArgument,
                    Syntax.Named(attribute, "ProjectionName", cancellationToken),
                    "ProjectionName",
                    "Residual",
                    "the generated constructor parameter '" + parameter + "' clashes with a member's or another residual's; name the projection otherwise, e.g. ProjectionName = \"shortcut\"");
            }
        }
    }

    private static int FindMember(IReadOnlyList<(IPropertySymbol Property, IReadOnlyList<AttributeData> Attributes)> members, string? name)
    {
        for (var i = 0; i < members.Count; i++)
        {
            if (members[i].Property.Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
