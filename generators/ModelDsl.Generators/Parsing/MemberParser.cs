using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelDsl.Analyzers;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// The layer properties of a model or a block: each checked for its form and its attributes, and made into a spec node
// named as PyTorch's state dict names it. What is wrong is reported; a member with an error is left out.
internal static class MemberParser
{
    /// <summary>The owner named in an unknown-name diagnostic on a model's expression.</summary>
    public const string ModelOwner = "a model (only numbers are allowed outside blocks)";

    /// <summary>The members that parsed, in declaration order; complete only when nothing was reported.</summary>
    /// <param name="type">A model or block class.</param>
    /// <param name="scope">The names an expression may use (a block's parameters).</param>
    /// <param name="owner">Who declares the scope, for messages.</param>
    /// <param name="blocksUsed">Receives the block classes the members use.</param>
    /// <param name="report">Receives what is wrong.</param>
    public static List<MemberTarget> ParseAll(INamedTypeSymbol type, HashSet<string> scope, string owner, List<INamedTypeSymbol> blocksUsed, DiagnosticBag report)
    {
        var members = new List<MemberTarget>();
        var stateNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (property, attributes) in Members.Of(type))
        {
            var before = report.Count;
            CheckForm(property, attributes, report);
            var nodes = new List<LayerSpec>();
            foreach (var attribute in attributes)
            {
                var node = Symbols.Is(attribute.AttributeClass, "BlockAttribute") || Symbols.Is(attribute.AttributeClass, "StageAttribute")
                    ? BlockUse(property, attribute, scope, owner, blocksUsed, report)
                    : LayerParser.Parse(attribute, scope, owner, report);
                if (node is not null)
                {
                    nodes.Add(node);
                }
            }

            if (report.Count != before || nodes.Count != attributes.Count)
            {
                continue;
            }

            // One attribute is the property itself (a layer may rename itself); several form an nn.Sequential named by the
            // property, numbering its elements; an unnamed stage there continues the numbering with its blocks.
            var name = Names.ToSnakeCase(property.Name);
            var spec = nodes.Count == 1
                ? nodes[0] with { Name = nodes[0].Kind is LayerKind.Block or LayerKind.Stage ? name : nodes[0].Name ?? name }
                : LayerSpec.Sequential(name, nodes.ToArray()) with { Location = nodes[0].Location };

            // The property may be typed as the module its attributes make (model.Stem.weight without a cast) or a base of it.
            var target = new MemberTarget(AccessibilityText(property, report.CancellationToken), property.Name, Symbols.Qualified(property.Type), Names.ToParameterName(property.Name), spec);
            if (property.Type.TypeKind != TypeKind.Error && !ModuleTypes.Assignable(target.ModuleType).Contains(target.TypeName))
            {
                var made = target.ModuleType.Replace("global::", string.Empty);
                report.Report(
                    DiagnosticDescriptors.LayerMemberForm,
                    Syntax.PropertyName(property),
                    property.Name,
                    "is typed " + property.Type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) + ", but its attributes make a " + made + "; declare it 'partial " + made + " " + property.Name + " { get; }' or 'partial Layer " + property.Name + " { get; }'");
                continue;
            }

            // Two members under one state-dict name would overwrite each other's weights (FooBar and Foo_Bar are both foo_bar).
            if (stateNames.TryGetValue(spec.Name!, out var other))
            {
                report.Report(
                    DiagnosticDescriptors.LayerMemberForm,
                    Syntax.PropertyName(property),
                    property.Name,
                    "has the state-dict name '" + spec.Name + "', as member '" + other + "' has; rename one of them or give it a Name");
                continue;
            }

            stateNames.Add(spec.Name!, property.Name);
            members.Add(target);
        }

        return members;
    }

    // A TorchSharp module type, or a [Block] class, which is one once its generated part (which names the base) is added.
    public static bool IsLayerType(ITypeSymbol type) =>
        Symbols.IsModule(type) || (type is INamedTypeSymbol named && Symbols.Find(named, "BlockAttribute") is not null);

    private static void CheckForm(IPropertySymbol property, IReadOnlyList<AttributeData> attributes, DiagnosticBag report)
    {
        // A block compiled into a referenced assembly (a zoo's BasicBlock) was generated there: its properties are
        // implemented, no longer partial definitions, and were checked when it was built.
        var compiled = property.Locations.All(l => l.IsInMetadata);
        if ((!property.IsPartialDefinition && !compiled) || property.IsStatic || property.IsIndexer || property.IsVirtual || property.IsOverride ||
            property.GetMethod is null || property.SetMethod is not null || !IsLayerType(property.Type))
        {
            report.Report(
                DiagnosticDescriptors.LayerMemberForm,
                Syntax.PropertyName(property),
                property.Name,
                "must be an instance property declared 'partial Layer " + property.Name + " { get; }' (Layer is TorchSharp's Module<Tensor, Tensor>), or typed as the module it holds");
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

    // The accessibility as written (empty when none is), which the implementing declaration must repeat exactly (CS8799).
    private static string AccessibilityText(IPropertySymbol property, CancellationToken cancellationToken) =>
        property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax declaration
            ? string.Join(" ", declaration.Modifiers.Where(m => m.ValueText is "public" or "private" or "protected" or "internal").Select(m => m.ValueText))
            : "private";

    // [Block(typeof(X), "a = 1")] or [Stage(typeof(X), "a = 1", Blocks = 2)]: the block must be one, each argument one of
    // its parameters with an expression over the names in scope.
    private static LayerSpec? BlockUse(IPropertySymbol property, AttributeData attribute, HashSet<string> scope, string owner, List<INamedTypeSymbol> blocksUsed, DiagnosticBag report)
    {
        var cancellationToken = report.CancellationToken;
        var isStage = Symbols.Is(attribute.AttributeClass, "StageAttribute");
        var attributeName = isStage ? "Stage" : "Block";
        if (attribute.ConstructorArguments.Length != 2)
        {
            // The other [Block] constructor declares a block and does not belong on a property.
            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Kind != TypedConstantKind.Error)
            {
                report.Report(
                    DiagnosticDescriptors.LayerMemberForm,
                    Syntax.PropertyName(property),
                    property.Name,
                    "declares a block; to use one write [Block(typeof(BlockClass), \"name = value\", ...)]");
            }

            return null;
        }

        var typeArgument = attribute.ConstructorArguments[0];
        var arguments = attribute.ConstructorArguments[1];
        if (typeArgument.Kind == TypedConstantKind.Error || arguments.Kind == TypedConstantKind.Error)
        {
            return null;
        }

        if (typeArgument.Value is not INamedTypeSymbol block || Symbols.Find(block, "BlockAttribute") is not { ConstructorArguments.Length: 1 } declaration ||
            Symbols.Find(block, "ModelAttribute") is not null)
        {
            var name = typeArgument.Value is ITypeSymbol named ? named.Name : "null";
            report.Report(DiagnosticDescriptors.UnknownBlock, Syntax.Positional(attribute, 0, cancellationToken), name);
            return null;
        }

        var parameters = new HashSet<string>(
            (ConstantText.Strings(declaration.ConstructorArguments[0]) ?? new List<string>()).Select(p => Assignment.Split(p).Name).OfType<string>(),
            StringComparer.Ordinal);
        var valid = true;
        var args = new List<Arg>();
        var values = arguments.Kind == TypedConstantKind.Array && !arguments.IsNull ? arguments.Values : System.Collections.Immutable.ImmutableArray<TypedConstant>.Empty;
        for (var i = 0; i < values.Length; i++)
        {
            var location = Syntax.Positional(attribute, i + 1, cancellationToken);
            if (values[i].Value is not string text)
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, location, "arguments", attributeName, "expected \"name = value\"");
                valid = false;
                continue;
            }

            var (name, value) = Assignment.Split(text);
            if (name is null || value is null)
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, location, text, attributeName, "expected \"name = value\"");
                valid = false;
                continue;
            }

            if (!parameters.Contains(name) && name != "in_channels")
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, location, text, attributeName, "'" + name + "' is not a parameter of block " + block.Name);
                valid = false;
                continue;
            }

            valid &= ExpressionChecks.Check(value, scope, owner, location, report);
            args.Add(new Arg(name, value));
        }

        var count = 1;
        string? item = null;
        string? nodeName = null;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Value.Kind == TypedConstantKind.Error)
            {
                valid = false;
                continue;
            }

            var problem = (attributeName, named.Key) switch
            {
                ("Stage", "Blocks") => ConstantText.Int(named.Value) is > 0 ? null : "expected a positive number of blocks, got " + ConstantText.Shown(named.Value),
                // Each block's name must be one state-dict segment: PyTorch's add_module refuses a '.' (torchvision's RegNet
                // names its blocks "block1-0", so other characters stay allowed).
                ("Stage", "Item") => named.Value.Value is string pattern && (pattern.Contains("{i}") || pattern.Contains("{i+1}")) && pattern.IndexOf('.') < 0
                    ? null
                    : "expected a state-dict name pattern without '.' containing {i} (or {i+1}, counting from 1), e.g. \"encoder_layer_{i}\", got " + ConstantText.Shown(named.Value),
                ("Block", "Sequential") => "Sequential belongs on the block's declaration, [Block(..., Sequential = true)]",
                (_, "Name") => named.Value.Value is string text && Names.IsSegment(text)
                    ? null
                    : "expected a state-dict name (letters, digits, '_'), got " + ConstantText.Shown(named.Value),
                _ => "unexpected value " + ConstantText.Shown(named.Value),
            };
            if (problem is not null)
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Named(attribute, named.Key, cancellationToken), named.Key, attributeName, problem);
                valid = false;
                continue;
            }

            switch (named.Key)
            {
                case "Blocks":
                    count = (int)named.Value.Value!;
                    break;
                case "Item":
                    item = (string)named.Value.Value!;
                    break;
                case "Name":
                    nodeName = (string)named.Value.Value!;
                    break;
            }
        }

        if (!valid)
        {
            return null;
        }

        blocksUsed.Add(block);
        var location0 = DiagnosticBag.ToSource(Syntax.Location(attribute, cancellationToken));
        if (!isStage)
        {
            args.Insert(0, new Arg("block", BlockParser.SpecName(block)));
            return new LayerSpec(nodeName, LayerKind.Block, args.ToArray()) { Location = location0 };
        }

        if (item is not null)
        {
            args.Insert(0, Arg.Of("item", item));
        }

        args.Insert(0, Arg.Of("blocks", count));
        args.Insert(0, new Arg("block", BlockParser.SpecName(block)));
        return new LayerSpec(nodeName, LayerKind.Stage, args.ToArray()) { Location = location0 };
    }
}
