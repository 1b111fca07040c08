using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelDsl.Analyzers;
using ModelDsl.Generators;
using ModelDsl.Spec;

namespace ModelDsl.CodeFixes;

// What the budget fixes share: the model the diagnostic is on, a variant name no other variant of the model has, and
// the new [Variant(…)] line.
internal static class VariantInsertion
{
    // The class declaration at the diagnostic, its symbol and its parsed spec; null when any of them cannot be read.
    public static async Task<(SyntaxNode Root, ClassDeclarationSyntax Declaration, INamedTypeSymbol Type, ModelSpec Spec)?> ModelAt(CodeFixContext context)
    {
        var cancellationToken = context.CancellationToken;
        var root = await context.Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var declaration = root?.FindToken(context.Span.Start).Parent?.AncestorsAndSelf().OfType<ClassDeclarationSyntax>().FirstOrDefault();
        if (root is null || model is null || declaration is null ||
            model.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type ||
            Symbols.Find(type, "ModelAttribute") is not { } modelAttribute ||
            ModelParser.Parse(type, modelAttribute, cancellationToken).Target?.Spec is not { } spec)
        {
            return null;
        }

        return (root, declaration, type, spec);
    }

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
