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

                var value = isFlop ? ConstantText.Real(named.Value) : ConstantText.Long(named.Value);
                if (value is not > 0)
                {
                    report.Report(
                        DiagnosticDescriptors.MalformedArgument,
                        Syntax.Named(attribute, named.Key, report.CancellationToken),
                        named.Key,
                        isFlop ? "FlopBudget" : "ParameterBudget",
                        "a budget is a positive number, got " + named.Value.ToCSharpString());
                    continue;
                }

                budget = named.Key switch
                {
                    nameof(BudgetSpec.MaxMFlops) => budget with { MaxMFlops = value },
                    nameof(BudgetSpec.MaxMMacs) => budget with { MaxMMacs = value },
                    nameof(BudgetSpec.MaxParams) => budget with { MaxParams = (long)value },
                    _ => budget with { MaxWeightBytes = (long)value },
                };
            }
        }

        return budget;
    }
}
