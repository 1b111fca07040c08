using ModelDsl.Spec;

namespace ModelDsl.Generators;

/// <summary>What the generator's cached steps carry for one class: the target, or what to write instead and why.</summary>
/// <typeparam name="T">The target record.</typeparam>
/// <param name="Target">The class to generate; null when it has errors.</param>
/// <param name="Completion">The completion to write when there is no target (or the target fails inference).</param>
/// <param name="Problem">The first diagnostic as one line, for the completion's exception.</param>
internal sealed record GeneratorInput<T>(T? Target, ClassCompletion? Completion, string Problem)
    where T : class
{
    /// <summary>
    /// What the generator itself reports, since the compiler's errors behind them stop the analyzers: MDSL0015 on each
    /// unknown named argument, and MDSL0014 on each attribute the compiler cannot bind when there is no target.
    /// </summary>
    public EquatableArray<DiagnosticInfo> Unbound { get; init; } = EquatableArray<DiagnosticInfo>.Empty;
}
