namespace ModelDsl.Spec;

/// <summary>One exceeded budget.</summary>
/// <param name="Budget">The budget's name as declared: <c>MaxMFlops</c>, <c>MaxMMacs</c>, <c>MaxParams</c> or <c>MaxWeightBytes</c>.</param>
/// <param name="Limit">The declared limit, in the budget's unit.</param>
/// <param name="Actual">The model's figure, in the same unit.</param>
public sealed record BudgetViolation(string Budget, double Limit, double Actual);
