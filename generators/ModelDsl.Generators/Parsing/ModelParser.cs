using Microsoft.CodeAnalysis;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// The first (and only Roslyn-aware) transform of the model pipeline: a [Model] class to a ModelTarget.
internal static class ModelParser
{
    /// <summary>The model, or null when anything about it is malformed (the analyzers say what).</summary>
    public static ModelTarget? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        context.TargetSymbol is INamedTypeSymbol type && context.Attributes.Length == 1 ? Parse(type, context.Attributes[0], cancellationToken) : null;

    /// <summary>The model declared by <paramref name="model"/> on <paramref name="type"/>; the analyzers call this with the symbol they analyze.</summary>
    public static ModelTarget? Parse(INamedTypeSymbol type, AttributeData model, CancellationToken cancellationToken)
    {
        if (!Symbols.IsGeneratable(type, cancellationToken) || Symbols.Find(type, "BlockAttribute") is not null)
        {
            return null;
        }

        var input = Input(model);
        var blocksUsed = new List<INamedTypeSymbol>();
        var members = MemberParser.ParseAll(type, blocksUsed);
        var blocks = Blocks(blocksUsed, cancellationToken);
        var budget = Budget(type);
        var variants = Variants(type);
        if (input is null || members is null || members.Count == 0 || blocks is null || budget is null || variants is null)
        {
            return null;
        }

        var spec = new ModelSpec(
            type.Name,
            input,
            members.Select(m => m.Layer).ToEquatableArray(),
            blocks.Select(b => b.Spec).ToEquatableArray(),
            budget == BudgetSpec.None ? null : budget,
            variants.ToEquatableArray());
        var format = model.NamedArguments.Where(n => n.Key == "MemoryFormat").Select(n => n.Value.Value is int f ? f : 0).FirstOrDefault();
        return new ModelTarget(Symbols.NamespaceOf(type), type.Name, spec, members.ToEquatableArray(), blocks.ToEquatableArray(), format);
    }

    private static InputSpec? Input(AttributeData model)
    {
        int[]? shape = null;
        int length = 0, vocabulary = 0, kind = 0;
        foreach (var named in model.NamedArguments)
        {
            switch (named.Key)
            {
                case "InputShape" when named.Value.Kind == TypedConstantKind.Array && !named.Value.IsNull:
                    shape = named.Value.Values.Select(v => v.Value is int d ? d : 0).ToArray();
                    break;
                case "SequenceLength" when named.Value.Value is int t:
                    length = t;
                    break;
                case "Vocabulary" when named.Value.Value is int v:
                    vocabulary = v;
                    break;
                case "Kind" when named.Value.Value is int k:
                    kind = k;
                    break;
                case "MemoryFormat" when named.Value.Value is int:
                    break;
                default:
                    return null;
            }
        }

        if (shape is null)
        {
            return length > 0 && vocabulary > 0 ? InputSpec.Tokens(length, vocabulary) : null;
        }

        // ModelDsl.InputKind: Auto, Image, Vector, Sequence, Signal. Auto decides by rank; a wrong rank is a shape error.
        var inputKind = kind switch
        {
            1 => InputKind.Image,
            2 => InputKind.Vector,
            3 => InputKind.Sequence,
            4 => InputKind.Signal,
            _ => shape.Length switch { 3 => InputKind.Image, 1 => InputKind.Vector, _ => InputKind.Sequence },
        };
        return length == 0 && vocabulary == 0 ? new InputSpec(inputKind, shape.ToEquatableArray()) : null;
    }

    // Every block reachable from the model, each once, in first-use order.
    private static List<BlockTarget>? Blocks(List<INamedTypeSymbol> pending, CancellationToken cancellationToken)
    {
        var seen = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var blocks = new List<BlockTarget>();
        for (var i = 0; i < pending.Count; i++)
        {
            if (!seen.Add(pending[i]))
            {
                continue;
            }

            var block = BlockParser.Parse(pending[i], pending, cancellationToken);
            if (block is null)
            {
                return null;
            }

            blocks.Add(block);
        }

        return blocks;
    }

    private static BudgetSpec? Budget(INamedTypeSymbol type)
    {
        var budget = BudgetSpec.None;
        foreach (var attribute in type.GetAttributes())
        {
            if (!Symbols.Is(attribute.AttributeClass, "FlopBudgetAttribute") && !Symbols.Is(attribute.AttributeClass, "ParameterBudgetAttribute"))
            {
                continue;
            }

            foreach (var named in attribute.NamedArguments)
            {
                switch (named.Key)
                {
                    case "MaxMFlops" when ConstantText.Real(named.Value) is { } flops:
                        budget = budget with { MaxMFlops = flops };
                        break;
                    case "MaxMMacs" when ConstantText.Real(named.Value) is { } macs:
                        budget = budget with { MaxMMacs = macs };
                        break;
                    case "MaxParams" when ConstantText.Long(named.Value) is { } parameters:
                        budget = budget with { MaxParams = parameters };
                        break;
                    case "MaxWeightBytes" when ConstantText.Long(named.Value) is { } bytes:
                        budget = budget with { MaxWeightBytes = bytes };
                        break;
                    default:
                        return null;
                }
            }
        }

        return budget;
    }

    private static List<VariantSpec>? Variants(INamedTypeSymbol type)
    {
        var variants = new List<VariantSpec>();
        foreach (var attribute in type.GetAttributes().Where(a => Symbols.Is(a.AttributeClass, "VariantAttribute")))
        {
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string name)
            {
                return null;
            }

            var variant = new VariantSpec(name);
            foreach (var named in attribute.NamedArguments)
            {
                switch (named.Key)
                {
                    case "KeepChannels" when ConstantText.Real(named.Value) is { } keep:
                        variant = variant with { KeepRatio = keep };
                        break;
                    case "Sparsity" when named.Value.Value is string pattern:
                        variant = variant with { Sparsity = pattern };
                        break;
                    case "Weights" when named.Value.Value is int precision && precision is >= 0 and <= 2:
                        variant = variant with { Weights = (Precision)precision };
                        break;
                    case "Rank" when named.Value.Value is int rank:
                        variant = variant with { Rank = rank };
                        break;
                    default:
                        return null;
                }
            }

            variants.Add(variant);
        }

        return variants;
    }
}
