using Microsoft.CodeAnalysis;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// One layer property (of a model or a block) to a MemberTarget. Returns null for anything malformed: the analyzers
// report it; the generator then emits nothing for the class rather than guess.
internal static class MemberParser
{
    /// <summary>The layer properties of <paramref name="type"/>, in declaration order; null when one is malformed.</summary>
    /// <param name="type">A model or block class.</param>
    /// <param name="blocksUsed">Receives the block classes the properties use.</param>
    public static List<MemberTarget>? ParseAll(INamedTypeSymbol type, List<INamedTypeSymbol> blocksUsed)
    {
        var members = new List<MemberTarget>();
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            if (!property.GetAttributes().Any(Symbols.IsMemberAttribute))
            {
                continue;
            }

            var member = Parse(property, blocksUsed);
            if (member is null)
            {
                return null;
            }

            members.Add(member);
        }

        return members;
    }

    private static MemberTarget? Parse(IPropertySymbol property, List<INamedTypeSymbol> blocksUsed)
    {
        if (!property.IsPartialDefinition || property.IsStatic || property.IsIndexer || property.IsVirtual || property.IsOverride ||
            property.GetMethod is null || property.SetMethod is not null || !IsLayerType(property.Type))
        {
            return null;
        }

        var name = Names.ToSnakeCase(property.Name);
        var nodes = new List<LayerSpec>();
        foreach (var attribute in property.GetAttributes())
        {
            if (attribute.AttributeClass is not { } type || !Symbols.IsMemberAttribute(attribute))
            {
                continue;
            }

            LayerSpec? node = type.Name switch
            {
                "BlockAttribute" => BlockUse(attribute, blocksUsed),
                "StageAttribute" => Stage(attribute, blocksUsed),
                _ => Layer(attribute, type),
            };
            if (node is null)
            {
                return null;
            }

            nodes.Add(node);
        }

        // One attribute is the property itself (a layer may rename itself); several form an nn.Sequential named by the
        // property, numbering its elements; an unnamed stage there continues the numbering with its blocks.
        var spec = nodes.Count == 1
            ? nodes[0] with { Name = nodes[0].Kind is LayerKind.Block or LayerKind.Stage ? name : nodes[0].Name ?? name }
            : LayerSpec.Sequential(name, nodes.ToArray());
        return new MemberTarget(AccessibilityText(property.DeclaredAccessibility), property.Name, Symbols.Qualified(property.Type), Names.ToParameterName(property.Name), spec);
    }

    // A Layer, or a [Block] class, which is one once its generated part (which names the base class) is added.
    public static bool IsLayerType(ITypeSymbol type) =>
        Symbols.IsLayer(type) || (type is INamedTypeSymbol named && Symbols.Find(named, "BlockAttribute") is not null);

    private static string AccessibilityText(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Internal => "internal",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };

    private static LayerSpec? Layer(AttributeData attribute, INamedTypeSymbol type)
    {
        if (!LayerAttributeKinds.TryGet(type, out var kind, out var implied))
        {
            return null;
        }

        var args = new List<Arg>(implied);
        if (attribute.AttributeConstructor is not { } constructor)
        {
            return null;
        }

        for (var i = 0; i < attribute.ConstructorArguments.Length; i++)
        {
            var text = ConstantText.Of(attribute.ConstructorArguments[i]);
            if (text is null || i >= constructor.Parameters.Length)
            {
                return null;
            }

            args.Add(new Arg(ArgumentNames.ToSpec(constructor.Parameters[i].Name), text));
        }

        string? childName = null;
        foreach (var named in attribute.NamedArguments)
        {
            var text = ConstantText.Of(named.Value);
            if (text is null)
            {
                return null;
            }

            if (named.Key == "Name")
            {
                childName = text;
                continue;
            }

            args.Add(new Arg(ArgumentNames.ToSpec(named.Key), text));
        }

        return new LayerSpec(childName, kind, args.ToArray());
    }

    private static LayerSpec? BlockUse(AttributeData attribute, List<INamedTypeSymbol> blocksUsed)
    {
        // [Block(typeof(X), "a = 1")]; the other constructor declares a block and does not belong on a property.
        if (attribute.ConstructorArguments.Length != 2 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol block)
        {
            return null;
        }

        var args = Arguments(attribute.ConstructorArguments[1]);
        if (args is null)
        {
            return null;
        }

        blocksUsed.Add(block);
        args.Insert(0, new Arg("block", BlockParser.SpecName(block)));
        return new LayerSpec(null, LayerKind.Block, args.ToArray());
    }

    private static LayerSpec? Stage(AttributeData attribute, List<INamedTypeSymbol> blocksUsed)
    {
        if (attribute.ConstructorArguments.Length != 2 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol block)
        {
            return null;
        }

        var args = Arguments(attribute.ConstructorArguments[1]);
        if (args is null)
        {
            return null;
        }

        var count = 1;
        string? item = null;
        string? stageName = null;
        foreach (var named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case "Blocks" when ConstantText.Int(named.Value) is { } blocks:
                    count = blocks;
                    break;
                case "Item" when named.Value.Value is string pattern && pattern.Contains("{i}"):
                    item = pattern;
                    break;
                case "Name" when named.Value.Value is string text && text.Length > 0:
                    stageName = text;
                    break;
                default:
                    return null;
            }
        }

        blocksUsed.Add(block);
        if (item is not null)
        {
            args.Insert(0, Arg.Of("item", item));
        }

        args.Insert(0, Arg.Of("blocks", count));
        args.Insert(0, new Arg("block", BlockParser.SpecName(block)));
        return new LayerSpec(stageName, LayerKind.Stage, args.ToArray());
    }

    // "name = value" pairs of a params string[] argument.
    private static List<Arg>? Arguments(TypedConstant constant)
    {
        var texts = ConstantText.Strings(constant);
        if (texts is null)
        {
            return null;
        }

        var args = new List<Arg>();
        foreach (var text in texts)
        {
            var (name, value) = Assignment.Split(text);
            if (name is null || value is null)
            {
                return null;
            }

            args.Add(new Arg(name, value));
        }

        return args;
    }
}
