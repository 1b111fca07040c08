using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using ModelDsl.Generators;
using ModelDsl.Spec;

namespace ModelDsl.Analyzers;

// Reports diagnostics on the analysed compilation: the parser's (as plain DiagnosticInfos) and the model checks'.
internal sealed class Reporter(Compilation compilation, Action<Diagnostic> report, CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken => cancellationToken;

    public void Report(DiagnosticDescriptor descriptor, Location? location, params object?[] args) =>
        report(Diagnostic.Create(descriptor, location ?? Location.None, args));

    public void Report(DiagnosticInfo diagnostic) =>
        report(Diagnostic.Create(DiagnosticDescriptors.ById(diagnostic.Id), ToLocation(diagnostic.Location), diagnostic.Arguments.ToArray<object?>()));

    /// <summary>The compiler location of <paramref name="location"/> in the analysed compilation (an analyzer may only report there).</summary>
    public Location? ToLocation(SourceLocation? location)
    {
        if (location is null)
        {
            return null;
        }

        var tree = compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == location.FilePath);
        return tree is null || location.Start + location.Length > tree.Length ? null : Location.Create(tree, new TextSpan(location.Start, location.Length));
    }
}
