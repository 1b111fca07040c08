using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using ModelDsl.Analyzers;
using ModelDsl.Spec;

namespace ModelDsl.CodeFixes;

/// <summary>
/// MDSL2004: meets a weight-byte budget by storing the weights in fewer bits instead of removing channels — a variant
/// with int8 or int4 weights, or 2:4 sparse weights, offered for each one whose exact cost (the same
/// <see cref="VariantRewrite"/> the analyzer checks) meets every limit of the model's budget, least lossy first. The
/// structured-pruning fix (<see cref="FitBudgetCodeFix"/>) is offered beside these.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CompressWeightsCodeFix))]
[Shared]
public sealed class CompressWeightsCodeFix : CodeFixProvider
{
    /// <summary>The equivalence key of the fixes, followed by the variant's stem ("Int8", "Int4", "Sparse24").</summary>
    public const string EquivalenceKeyPrefix = "ModelDsl.CompressWeights.";

    // Least lossy first: int8 keeps about 1e-2 relative error, int4 more, 2:4 removes half of the weights (of every layer
    // but the first, whose dense bytes it keeps).
    private static readonly (string Stem, string Arguments, string What, VariantSpec Variant)[] Candidates =
    [
        ("Int8", "Weights = Precision.Int8", "int8 weights", new VariantSpec("Int8", Weights: Spec.Precision.Int8)),
        ("Int4", "Weights = Precision.Int4", "int4 weights", new VariantSpec("Int4", Weights: Spec.Precision.Int4)),
        ("Sparse24", "Sparsity = \"2:4\"", "2:4 sparse weights", new VariantSpec("Sparse24", Sparsity: "2:4")),
    ];

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.OverWeightBudget.Id);

    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        if (await VariantInsertion.ModelAt(context).ConfigureAwait(false) is not var (root, declaration, _, spec) ||
            spec.Budget is not { MaxWeightBytes: { } limit } budget)
        {
            return;
        }

        foreach (var (stem, arguments, what, candidate) in Candidates)
        {
            if (VariantRewrite.Of(spec, candidate) is not { Cost: { Succeeded: true } cost } || Budgets.Check(budget, cost.Total).Count != 0)
            {
                continue;
            }

            var name = VariantInsertion.UniqueName(spec, stem);
            var bytes = cost.Total.WeightBytes;
            var share = ((double)bytes / limit * 100).ToString("0", CultureInfo.InvariantCulture);
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Add variant '" + name + "' with " + what + " (" + Format.Number(bytes) + " weight bytes, " + share + "% of the budget)",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(declaration, VariantInsertion.Add(declaration, "\"" + name + "\", " + arguments)))),
                    EquivalenceKeyPrefix + stem),
                context.Diagnostics);
        }
    }
}
