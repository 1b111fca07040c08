using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelDsl.Spec;

namespace ModelDsl.CodeFixes;

// What the budget fixes share: a variant name no other variant of the model has, and the new [Variant(…)] line.
internal static class VariantInsertion
{
    // "Slim", then "Slim2", "Slim3", … until one is free.
    public static string UniqueName(ModelSpec spec, string stem)
    {
        var taken = new HashSet<string>(spec.Variants.Select(v => v.Name), StringComparer.Ordinal);
        if (!taken.Contains(stem))
        {
            return stem;
        }

        var i = 2;
        while (taken.Contains(stem + i.ToString(CultureInfo.InvariantCulture)))
        {
            i++;
        }

        return stem + i.ToString(CultureInfo.InvariantCulture);
    }

    // The new attribute goes on its own line after the class's last attribute, indented as that one is.
    // arguments is the argument list's text without parentheses: "\"Slim\", KeepChannels = 0.5".
    public static ClassDeclarationSyntax Add(ClassDeclarationSyntax declaration, string arguments)
    {
        var attribute = SyntaxFactory.Attribute(
            SyntaxFactory.IdentifierName("Variant"),
            SyntaxFactory.ParseAttributeArgumentList("(" + arguments + ")"));
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(attribute));
        if (declaration.AttributeLists.Count == 0)
        {
            return declaration.AddAttributeLists(list.WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed));
        }

        var last = declaration.AttributeLists[declaration.AttributeLists.Count - 1];
        var indentation = last.GetLeadingTrivia().Reverse().TakeWhile(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse();
        var newLine = last.GetTrailingTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        list = list
            .WithLeadingTrivia(indentation)
            .WithTrailingTrivia(newLine.IsKind(SyntaxKind.EndOfLineTrivia) ? newLine : SyntaxFactory.EndOfLine("\n"));
        return declaration.WithAttributeLists(declaration.AttributeLists.Add(list));
    }
}
