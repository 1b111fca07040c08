using Microsoft.CodeAnalysis;
using ModelDsl.Analyzers;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// The attributes of a class the generator could not build that the compiler could not bind either (an argument of the
// wrong type, a name that does not exist, a constructor that does not match, a syntax error inside the brackets).
// The compiler's error on such an attribute is a declaration error, and a build with one stops before any analyzer
// runs: none of the analyzers' MDSL diagnostics would print, for this model or any other. So the generator itself
// reports MDSL0014 on each such attribute — the one ModelDsl diagnostic it reports — saying why the class was not
// generated and that ModelDsl's checks wait for the compiler's error to be fixed. The analyzers never report it.
internal static class UnboundAttributes
{
    public static EquatableArray<DiagnosticInfo> Of(INamedTypeSymbol type, string kind, CancellationToken cancellationToken)
    {
        var report = new DiagnosticBag(cancellationToken);
        foreach (var attribute in type.GetAttributes())
        {
            Check(attribute, type.Name, kind, type.Name, report);
        }

        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            foreach (var attribute in property.GetAttributes())
            {
                Check(attribute, property.Name, kind, type.Name, report);
            }
        }

        return report.ToArray();
    }

    private static void Check(AttributeData attribute, string on, string kind, string className, DiagnosticBag report)
    {
        if (!Unbound(attribute) || Syntax.Of(attribute, report.CancellationToken) is not { } syntax)
        {
            return;
        }

        report.Report(DiagnosticDescriptors.AttributeDoesNotCompile, syntax.GetLocation(), syntax.Name.ToString(), on, kind, className);
    }

    private static bool Unbound(AttributeData attribute) =>
        attribute.AttributeClass is null or { TypeKind: TypeKind.Error } ||
        attribute.AttributeConstructor is null ||
        attribute.ConstructorArguments.Any(Unbound) ||
        attribute.NamedArguments.Any(n => Unbound(n.Value));

    private static bool Unbound(TypedConstant value) =>
        value.Kind == TypedConstantKind.Error || (value.Kind == TypedConstantKind.Array && !value.IsNull && value.Values.Any(Unbound));
}
