using Microsoft.CodeAnalysis;
using ModelDsl.Analyzers;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// A class with layer members that is neither a [Model] nor a [Block] (the attribute forgotten or deleted): its
// members are reported, and the class is completed like any other, so that the report reaches the build.
internal static class OrphanParser
{
    public static ParseResult<ModelTarget>? Parse(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (Symbols.Find(type, "ModelAttribute") is not null || Symbols.Find(type, "BlockAttribute") is not null)
        {
            return null;
        }

        var members = Members.Of(type);
        if (members.Count == 0)
        {
            return null;
        }

        var report = new DiagnosticBag(cancellationToken);
        foreach (var (property, _) in members)
        {
            report.Report(
                DiagnosticDescriptors.LayerMemberForm,
                Syntax.PropertyName(property),
                property.Name,
                "is in '" + type.Name + "', which is neither a [Model] nor a [Block]: mark the class [Model(InputShape = [...])] or [Block(...)]");
        }

        return new ParseResult<ModelTarget>(null, report.ToArray(), Completion.Of(type, cancellationToken));
    }
}
