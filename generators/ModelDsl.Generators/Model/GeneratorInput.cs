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
    /// <summary>MDSL0014 on each attribute the compiler cannot bind, when there is no target: the generator reports these.</summary>
    public EquatableArray<DiagnosticInfo> Unbound { get; init; } = EquatableArray<DiagnosticInfo>.Empty;
}
