namespace ModelDsl.Spec;

/// <summary>Declared cost budgets; each limit names its unit, null = no limit.</summary>
/// <param name="MaxMFlops">Maximum FLOPs, in millions (10^6).</param>
/// <param name="MaxMMacs">Maximum MACs, in millions (10^6).</param>
/// <param name="MaxParams">Maximum parameter count.</param>
/// <param name="MaxWeightBytes">Maximum weight storage in bytes.</param>
public sealed record BudgetSpec(double? MaxMFlops = null, double? MaxMMacs = null, long? MaxParams = null, long? MaxWeightBytes = null)
{
    /// <summary>No limits.</summary>
    public static BudgetSpec None { get; } = new();
}
