using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelDsl.Analyzers;

namespace ModelDsl.Generators;

// Named arguments a ModelDsl attribute does not have ([Conv2d(8, Kernal = 3)]). The compiler drops such an argument and
// says only "the type or namespace name 'Kernal' could not be found" (CS0246); that error also stops the build before
// any analyzer runs. So the generator reports MDSL0015 on the name, with the closest argument the attribute has (a
// typo or a wrong case) and the whole list, whether or not the class could be generated. A property written as a
// constructor parameter ([Conv2d(8, kernel: 3)], CS1739) gets it too, saying that named arguments take '='.
internal static class UnknownArguments
{
    /// <summary>Reports MDSL0015 for each unknown named argument of <paramref name="attribute"/>; whether there was one.</summary>
    public static bool Check(AttributeData attribute, DiagnosticBag report)
    {
        if (attribute.AttributeClass is not { TypeKind: TypeKind.Class } type || !IsModelDsl(type) ||
            Syntax.Of(attribute, report.CancellationToken)?.ArgumentList is not { } arguments)
        {
            return false;
        }

        var known = Names(type);
        var parameters = new HashSet<string>(type.InstanceConstructors.SelectMany(c => c.Parameters).Select(p => p.Name), StringComparer.Ordinal);
        var found = false;
        foreach (var argument in arguments.Arguments)
        {
            // Kernel = 3 names a property; outChannels: 8 a constructor parameter. A PyTorch habit writes the first as
            // kernel: 3, which the compiler rejects as a parameter the constructor lacks (CS1739).
            var (name, colon) = argument.NameEquals is { } equals ? (equals.Name, false) : (argument.NameColon?.Name, true);
            if (name is null || (colon ? parameters.Contains(name.Identifier.ValueText) : known.Contains(name.Identifier.ValueText, StringComparer.Ordinal)))
            {
                continue;
            }

            var text = name.Identifier.ValueText;
            var closest = Closest(text, known);
            var parameter = parameters.FirstOrDefault(p => string.Equals(p, text, StringComparison.OrdinalIgnoreCase));
            var guess = (closest, colon) switch
            {
                // [Conv2d(OutChannels = 8)]: a constructor argument, which the attribute exposes read-only.
                _ when !colon && parameter is not null => $" ('{parameter}' is a constructor argument: write it first, without a name)",
                (null, _) => string.Empty,
                (_, true) => $" (a named argument takes '=': {closest} = …)",
                _ => $" (did you mean '{closest}'?)",
            };
            report.Report(
                DiagnosticDescriptors.UnknownArgument,
                name.GetLocation(),
                AttributeName(type),
                text,
                guess,
                known.Count == 0 ? "none" : string.Join(", ", known));
            found = true;
        }

        return found;
    }

    // The attribute's public settable properties and fields, its own first, then its base classes' (Name on every layer).
    private static List<string> Names(INamedTypeSymbol type)
    {
        var names = new List<string>();
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object && t.ToDisplayString() != "System.Attribute"; t = t.BaseType)
        {
            foreach (var member in t.GetMembers())
            {
                var settable = member switch
                {
                    IPropertySymbol { SetMethod.DeclaredAccessibility: Accessibility.Public, IsStatic: false } => true,
                    IFieldSymbol { IsReadOnly: false, IsConst: false, IsStatic: false } => true,
                    _ => false,
                };
                if (settable && member.DeclaredAccessibility == Accessibility.Public && !names.Contains(member.Name))
                {
                    names.Add(member.Name);
                }
            }
        }

        return names;
    }

    // A different case, or a few letters off (at most a third of the name, and at least one edit allowed).
    private static string? Closest(string text, IEnumerable<string> known)
    {
        var limit = Math.Max(1, text.Length / 3);
        return known
            .Select(k => (Name: k, Distance: string.Equals(k, text, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(k.ToUpperInvariant(), text.ToUpperInvariant())))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();
    }

    // Edits between two names: insertions, deletions, substitutions and swaps of neighbours ("Bais" is one from "Bias"),
    // the optimal-string-alignment distance.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static bool IsModelDsl(INamedTypeSymbol type) => type.ContainingNamespace?.ToDisplayString() == "ModelDsl";

    private static string AttributeName(INamedTypeSymbol type) =>
        type.Name.EndsWith("Attribute", StringComparison.Ordinal) ? type.Name.Substring(0, type.Name.Length - "Attribute".Length) : type.Name;
}
