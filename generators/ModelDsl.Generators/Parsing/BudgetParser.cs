using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelDsl.Analyzers;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// [FlopBudget(MaxMFlops = …, MaxMMacs = …)] and [ParameterBudget(MaxParams = …, MaxWeightBytes = …)]: positive limits.
internal static class BudgetParser
{
    public static BudgetSpec Parse(INamedTypeSymbol type, DiagnosticBag report)
    {
        var budget = BudgetSpec.None;
        foreach (var attribute in type.GetAttributes())
        {
            var isFlop = Symbols.Is(attribute.AttributeClass, "FlopBudgetAttribute");
            if (!isFlop && !Symbols.Is(attribute.AttributeClass, "ParameterBudgetAttribute"))
            {
                continue;
            }

            foreach (var named in attribute.NamedArguments)
            {
                if (named.Value.Kind == TypedConstantKind.Error)
                {
                    continue;
                }

                budget = With(budget, attribute, named, isFlop ? "FlopBudget" : "ParameterBudget", report);
            }
        }

        return budget;
    }

    /// <summary>True for the names of the four limits (<c>MaxMFlops</c>, <c>MaxMMacs</c>, <c>MaxParams</c>, <c>MaxWeightBytes</c>).</summary>
    public static bool IsLimit(string name) =>
        name is nameof(BudgetSpec.MaxMFlops) or nameof(BudgetSpec.MaxMMacs) or nameof(BudgetSpec.MaxParams) or nameof(BudgetSpec.MaxWeightBytes);

    // One "MaxX = value" argument of attributeName added to budget; a value that is not positive is reported on its
    // argument and leaves the budget as it was.
    public static BudgetSpec With(BudgetSpec budget, AttributeData attribute, KeyValuePair<string, TypedConstant> named, string attributeName, DiagnosticBag report)
    {
        var value = named.Key is nameof(BudgetSpec.MaxMFlops) or nameof(BudgetSpec.MaxMMacs) ? ConstantText.Real(named.Value) : ConstantText.Long(named.Value);
        if (value is not > 0)
        {
            report.Report(
                DiagnosticDescriptors.MalformedArgument,
                Syntax.Named(attribute, named.Key, report.CancellationToken),
                named.Key,
                attributeName,
                "a budget is a positive number, got " + named.Value.ToCSharpString());
            return budget;
        }

        return named.Key switch
        {
            nameof(BudgetSpec.MaxMFlops) => budget with { MaxMFlops = value },
            nameof(BudgetSpec.MaxMMacs) => budget with { MaxMMacs = value },
            nameof(BudgetSpec.MaxParams) => budget with { MaxParams = (long)value },
            _ => budget with { MaxWeightBytes = (long)value },
        };
    }
}
