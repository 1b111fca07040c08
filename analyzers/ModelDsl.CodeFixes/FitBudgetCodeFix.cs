using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelDsl.Analyzers;
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
        if (await VariantInsertion.ModelAt(context).ConfigureAwait(false) is not var (root, declaration, type, spec) ||
            spec.Budget is not { } budget || BudgetSolver.KeepRatio(spec, budget) is not { } keep || keep >= 1)
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

        var name = VariantInsertion.UniqueName(spec, "Slim");
        context.RegisterCodeFix(
            CodeAction.Create(
                "Add variant '" + name + "' keeping " + percent + "% of channels to meet the budget",
                _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(declaration, VariantInsertion.Add(declaration, "\"" + name + "\", KeepChannels = " + keepText)))),
                EquivalenceKey),
            context.Diagnostics);
    }
}
