namespace ModelDsl;

/// <summary>A compute budget for one sample (see docs/cost-convention.md); exceeding it is a build warning.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class FlopBudgetAttribute : Attribute
{
    /// <summary>Maximum FLOPs, in millions (10⁶).</summary>
    public double MaxMFlops { get; set; }

    /// <summary>Maximum multiply-accumulates, in millions (10⁶).</summary>
    public double MaxMMacs { get; set; }
}

/// <summary>A size budget; exceeding it is a build warning.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ParameterBudgetAttribute : Attribute
{
    /// <summary>Maximum number of trainable parameters.</summary>
    public long MaxParams { get; set; }

    /// <summary>Maximum weight storage in bytes.</summary>
    public long MaxWeightBytes { get; set; }
}
