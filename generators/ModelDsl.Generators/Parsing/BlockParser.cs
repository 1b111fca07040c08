using Microsoft.CodeAnalysis;
using ModelDsl.Analyzers;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// A [Block] class to a BlockTarget: its parameters, its layer properties and its residual connections, with every
// diagnostic about them.
internal static class BlockParser
{
    /// <summary>The name a block has in specs: its fully qualified C# name (<c>Demo.BasicBlock</c>).</summary>
    public static string SpecName(INamedTypeSymbol block) => block.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);

    /// <summary>The block and what is wrong with it; no target and no diagnostics for a class that is also a model (the model's parser reports it).</summary>
    /// <param name="type">A class carrying <c>[Block(...)]</c>.</param>
    /// <param name="blocksUsed">Receives the block classes its properties use.</param>
    /// <param name="cancellationToken">Cancels the syntax look-ups.</param>
    /// <param name="checkCycles">
    /// Whether to report a use that leads back to this block (MDSL0008). Off where the caller checks the whole graph of
    /// blocks once (<see cref="ModelParser.Blocks"/>): per block, the check walks everything the block reaches, and a
    /// chain of n nested blocks, each parsing what it uses, would walk it n² times.
    /// </param>
    public static ParseResult<BlockTarget> Parse(INamedTypeSymbol type, List<INamedTypeSymbol> blocksUsed, CancellationToken cancellationToken, bool checkCycles = true)
    {
        var report = new DiagnosticBag(cancellationToken);
        var declarations = type.GetAttributes().Where(a => Symbols.Is(a.AttributeClass, "BlockAttribute")).ToList();
        if (Symbols.Find(type, "ModelAttribute") is not null || declarations.Count == 0)
        {
            return new ParseResult<BlockTarget>(null, EquatableArray<DiagnosticInfo>.Empty, null);
        }

        if (!Symbols.IsGeneratable(type, cancellationToken))
        {
            report.Report(DiagnosticDescriptors.ClassNotPartial, Syntax.ClassName(type, cancellationToken), type.Name);
        }

        foreach (var extra in declarations.Skip(1))
        {
            report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Location(extra, cancellationToken), "Block", "Block", "a block class has one [Block(...)] declaration; merge the parameters into the first");
        }

        var declaration = declarations[0];
        var scope = new HashSet<string>(StringComparer.Ordinal) { "in_channels" };
        var parameters = Parameters(declaration, scope, report);
        var numbered = declaration.NamedArguments.Any(n => n.Key == "Sequential" && n.Value.Value is true);
        var members = MemberParser.ParseAll(type, scope, "block " + type.Name, blocksUsed, report);
        var declared = Members.Of(type);
        if (declared.Count == 0)
        {
            report.Report(DiagnosticDescriptors.NoLayers, Syntax.ClassName(type, cancellationToken), type.Name);
        }

        if (checkCycles)
        {
            BlockCycles.Check(type, report);
        }
        var residuals = ResidualParser.Parse(type, declared.Select(m => m.Property.Name).ToList(), report);
        var completion = Completion.Of(type, cancellationToken);
        if (report.HasErrors || parameters is null || members.Count != declared.Count)
        {
            return new ParseResult<BlockTarget>(null, report.ToArray(), completion);
        }

        if (numbered)
        {
            // nn.Sequential subclasses (torchvision's Conv2dNormActivation) name their layers by position.
            members = members.Select((m, i) => m with { Layer = m.Layer with { Name = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } }).ToList();
        }

        // Each residual's members become the children of one Residual node, in place.
        var layers = new List<LayerSpec>();
        for (var i = 0; i < members.Count; i++)
        {
            var residual = residuals.FirstOrDefault(r => r.Start == i);
            if (residual is null)
            {
                layers.Add(members[i].Layer);
                continue;
            }

            layers.Add(new LayerSpec(
                null,
                LayerKind.Residual,
                new[] { Arg.Of("shortcut", residual.Shortcut), Arg.Of("shortcut_name", residual.ProjectionName), Arg.Of("combine", residual.Combine), Arg.Of("shortcut_members", residual.BranchStart - residual.Start) },
                members.Skip(residual.Start).Take(residual.End - residual.Start).Select(m => m.Layer).ToEquatableArray()));
            i = residual.End - 1;
        }

        var target = new BlockTarget(
            Symbols.NamespaceOf(type),
            type.Name,
            members.ToEquatableArray(),
            residuals.ToEquatableArray(),
            new BlockSpec(SpecName(type), parameters.ToEquatableArray(), layers.ToEquatableArray()));
        return new ParseResult<BlockTarget>(target, report.ToArray(), completion);
    }

    // [Block("planes", "stride = 1")]: each a name, or a name with a default over the parameters before it.
    private static List<BlockParameter>? Parameters(AttributeData block, HashSet<string> scope, DiagnosticBag report)
    {
        if (block.ConstructorArguments.Length != 1 || block.ConstructorArguments[0].Kind != TypedConstantKind.Array)
        {
            if (block.ConstructorArguments.Length == 2)
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, Syntax.Location(block, report.CancellationToken), "block", "Block", "a block class declares its parameters, [Block(\"planes\", \"stride = 1\")]; [Block(typeof(X))] belongs on a layer member");
            }

            return null;
        }

        var parameters = new List<BlockParameter>();
        var values = block.ConstructorArguments[0].IsNull ? System.Collections.Immutable.ImmutableArray<TypedConstant>.Empty : block.ConstructorArguments[0].Values;
        var valid = true;
        for (var i = 0; i < values.Length; i++)
        {
            var location = Syntax.Positional(block, i, report.CancellationToken);
            if (values[i].Value is not string text)
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, location, "parameters", "Block", "expected \"name\" or \"name = default\"");
                valid = false;
                continue;
            }

            var (name, value) = Assignment.Split(text);
            if (name is null || (value is null && text.IndexOf('=') >= 0))
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, location, text, "Block", "expected \"name\" or \"name = default\"");
                valid = false;
                continue;
            }

            if (!scope.Add(name) && name != "in_channels")
            {
                report.Report(DiagnosticDescriptors.MalformedArgument, location, text, "Block", "parameter '" + name + "' is declared twice");
                valid = false;
                continue;
            }

            if (value is not null)
            {
                valid &= ExpressionChecks.Check(value, scope, "this block's earlier parameters", location, report);
            }

            parameters.Add(new BlockParameter(name, value));
        }

        return valid ? parameters : null;
    }
}
