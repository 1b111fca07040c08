using System.Globalization;
using Microsoft.CodeAnalysis;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// Collects what the parser finds, turning compiler locations into SourceLocations on the way, so that its result is
// plain data the generator can cache and the analyzers can report.
internal sealed class DiagnosticBag(CancellationToken cancellationToken)
{
    private readonly List<DiagnosticInfo> items = new();

    public CancellationToken CancellationToken => cancellationToken;

    public bool HasErrors { get; private set; }

    public int Count => items.Count;

    public void Report(DiagnosticDescriptor descriptor, Location? location, params object?[] args)
    {
        HasErrors |= descriptor.DefaultSeverity == DiagnosticSeverity.Error;
        var texts = args.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture) ?? string.Empty).ToArray();
        items.Add(new DiagnosticInfo(descriptor.Id, ToSource(location), texts.ToEquatableArray()));
    }

    public EquatableArray<DiagnosticInfo> ToArray() => items.ToEquatableArray();

    /// <summary>A compiler location as plain values; null for none or one outside source.</summary>
    public static SourceLocation? ToSource(Location? location)
    {
        if (location is null || !location.IsInSource)
        {
            return null;
        }

        var span = location.SourceSpan;
        var lines = location.GetLineSpan().Span;
        return new SourceLocation(location.SourceTree!.FilePath, span.Start, span.Length, lines.Start.Line, lines.Start.Character, lines.End.Line, lines.End.Character);
    }
}
