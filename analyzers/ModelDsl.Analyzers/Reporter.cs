using Microsoft.CodeAnalysis;

namespace ModelDsl.Analyzers;

// Reports diagnostics and remembers whether an error was among them: a model with a declaration error is not parsed
// further, so that one mistake gives one diagnostic rather than a cascade.
internal sealed class Reporter(Action<Diagnostic> report, CancellationToken cancellationToken)
{
    public bool HasErrors { get; private set; }

    public CancellationToken CancellationToken => cancellationToken;

    public void Report(DiagnosticDescriptor descriptor, Location? location, params object?[] args)
    {
        HasErrors |= descriptor.DefaultSeverity == DiagnosticSeverity.Error;
        report(Diagnostic.Create(descriptor, location ?? Location.None, args));
    }
}
