using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelDsl.Analyzers;

namespace ModelDsl.CodeFixes;

/// <summary>MDSL0001: adds <c>partial</c> to the model or block class.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFix))]
[Shared]
public sealed class MakePartialCodeFix : CodeFixProvider
{
    /// <summary>The code action's title (and equivalence key).</summary>
    public const string Title = "Make the class partial";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.ClassNotPartial.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var declaration = root?.FindToken(context.Span.Start).Parent?.AncestorsAndSelf().OfType<ClassDeclarationSyntax>().FirstOrDefault();
        if (root is null || declaration is null || declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(Title, _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(declaration, MakePartial(declaration)))), Title),
            context.Diagnostics);
    }

    // "partial" goes last among the modifiers, where C# requires it; the class keyword's leading trivia stays with
    // whatever now comes first.
    private static ClassDeclarationSyntax MakePartial(ClassDeclarationSyntax declaration)
    {
        var partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        if (declaration.Modifiers.Count == 0)
        {
            var keyword = declaration.Keyword;
            return declaration
                .WithKeyword(keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
                .WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(keyword.LeadingTrivia)));
        }

        return declaration.WithModifiers(declaration.Modifiers.Add(partial));
    }
}
