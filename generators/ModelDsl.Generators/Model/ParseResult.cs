using ModelDsl.Spec;

namespace ModelDsl.Generators;

/// <summary>What the one parser makes of a [Model] or [Block] class: the target (null when anything is wrong) and every diagnostic.</summary>
/// <typeparam name="T">The target record.</typeparam>
/// <param name="Target">The value-equatable target; null when a diagnostic is an error or a block it uses is malformed.</param>
/// <param name="Diagnostics">What is wrong, on the attribute at fault; the analyzers report these.</param>
/// <param name="Completion">What the generator writes when it cannot write the class: null when not even that compiles.</param>
internal sealed record ParseResult<T>(T? Target, EquatableArray<DiagnosticInfo> Diagnostics, ClassCompletion? Completion)
    where T : class
{
    /// <summary>True when a diagnostic is an error (every diagnostic the parser reports is).</summary>
    public bool HasErrors => Diagnostics.Count > 0;
}
