using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelDsl.Analyzers;
using ModelDsl.Generators;
using ModelDsl.Spec;

namespace ModelDsl.CodeFixes;

/// <summary>
/// MDSL2001–MDSL2004: fits an over-budget model with a structured-pruning variant. The keep ratio comes from the shared
/// solver (<see cref="BudgetSolver"/>), the same cost code the analyzer checks with, so the fixed model builds without
/// the budget diagnostic. An existing <c>KeepChannels</c> variant is changed; otherwise <c>[Variant("Slim", …)]</c> is added.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FitBudgetCodeFix))]
[Shared]
public sealed class FitBudgetCodeFix : CodeFixProvider
{
    /// <summary>The equivalence key of the fix.</summary>
    public const string EquivalenceKey = "ModelDsl.FitBudget";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.OverFlopBudget.Id,
        DiagnosticDescriptors.OverMacBudget.Id,
        DiagnosticDescriptors.OverParameterBudget.Id,
        DiagnosticDescriptors.OverWeightBudget.Id);

    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var cancellationToken = context.CancellationToken;
        var root = await context.Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var declaration = root?.FindToken(context.Span.Start).Parent?.AncestorsAndSelf().OfType<ClassDeclarationSyntax>().FirstOrDefault();
        if (root is null || model is null || declaration is null ||
            model.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type ||
            Symbols.Find(type, "ModelAttribute") is not { } modelAttribute ||
            ModelParser.Parse(type, modelAttribute, cancellationToken).Target?.Spec is not { Budget: { } budget } spec ||
            BudgetSolver.KeepRatio(spec, budget) is not { } keep || keep >= 1)
        {
            return;
        }

        var keepText = keep.ToString("0.###", CultureInfo.InvariantCulture);
        var percent = (keep * 100).ToString("0.#", CultureInfo.InvariantCulture);
        var existing = VariantChecks.Attributes(type)
            .Select(a => a.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax)
            .Select(a => a?.ArgumentList?.Arguments.FirstOrDefault(arg => arg.NameEquals?.Name.Identifier.ValueText == "KeepChannels"))
            .FirstOrDefault(a => a is not null && a.SyntaxTree == root.SyntaxTree);
        if (existing is not null)
        {
            var literal = SyntaxFactory.ParseExpression(keepText).WithTriviaFrom(existing.Expression);
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Set KeepChannels = " + keepText + " (" + percent + "% of channels) to meet the budget",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(existing.Expression, literal))),
                    EquivalenceKey),
                context.Diagnostics);
            return;
        }

        var name = VariantName(spec);
        context.RegisterCodeFix(
            CodeAction.Create(
                "Add variant '" + name + "' keeping " + percent + "% of channels to meet the budget",
                _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(declaration, AddVariant(declaration, name, keepText)))),
                EquivalenceKey),
            context.Diagnostics);
    }

    private static string VariantName(ModelSpec spec)
    {
        var taken = new HashSet<string>(spec.Variants.Select(v => v.Name), StringComparer.Ordinal);
        if (!taken.Contains("Slim"))
        {
            return "Slim";
        }

        var i = 2;
        while (taken.Contains("Slim" + i.ToString(CultureInfo.InvariantCulture)))
        {
            i++;
        }

        return "Slim" + i.ToString(CultureInfo.InvariantCulture);
    }

    // The new attribute goes on its own line after the class's last attribute, indented as that one is.
    private static ClassDeclarationSyntax AddVariant(ClassDeclarationSyntax declaration, string name, string keep)
    {
        var attribute = SyntaxFactory.Attribute(
            SyntaxFactory.IdentifierName("Variant"),
            SyntaxFactory.ParseAttributeArgumentList("(\"" + name + "\", KeepChannels = " + keep + ")"));
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
