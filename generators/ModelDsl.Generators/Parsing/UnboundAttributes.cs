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
// A named argument the attribute does not have gets the more precise MDSL0015 instead (UnknownArguments), even on a
// class that was generated, since the compiler's error for it stops the analyzers all the same.
internal static class UnboundAttributes
{
    // generated: whether the class was generated; then only unknown named arguments are reported.
    public static EquatableArray<DiagnosticInfo> Of(INamedTypeSymbol type, string kind, bool generated, CancellationToken cancellationToken)
    {
        var report = new DiagnosticBag(cancellationToken);
        foreach (var attribute in type.GetAttributes())
        {
            Check(attribute, type.Name, kind, type.Name, generated, report);
        }

        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            foreach (var attribute in property.GetAttributes())
            {
                Check(attribute, property.Name, kind, type.Name, generated, report);
            }
        }

        return report.ToArray();
    }

    private static void Check(AttributeData attribute, string on, string kind, string className, bool generated, DiagnosticBag report)
    {
        if (UnknownArguments.Check(attribute, report) || generated || !Unbound(attribute) || Syntax.Of(attribute, report.CancellationToken) is not { } syntax)
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
