using Microsoft.CodeAnalysis;
using ModelDsl.Spec;

using ModelDsl.Analyzers;

namespace ModelDsl.Generators;

// Checks an expression argument ("planes * 4") against the names in scope with the spec library's own evaluator,
// before any shape is known: every name gets a stand-in value, so only unknown names and syntax can fail here.
internal static class ExpressionChecks
{
    // A syntax error names the argument and attribute the text is (outChannels of Conv2d) when the caller gives them.
    /// <summary>False (and reported) when <paramref name="text"/> names something out of scope or is not an expression.</summary>
    public static bool Check(string text, IEnumerable<string> scope, string owner, Location? location, DiagnosticBag report, (string Name, string Attribute)? argument = null)
    {
        var names = scope.ToDictionary(n => n, _ => 64L, StringComparer.Ordinal);
        var result = Expression.Evaluate(text, names);
        switch (result.Error?.Kind)
        {
            case ExpressionErrorKind.UnknownName:
                report.Report(DiagnosticDescriptors.UnknownName, location, NameAt(text, result.Error.Position), text, owner);
                return false;
            case ExpressionErrorKind.Syntax:
                report.Report(DiagnosticDescriptors.MalformedArgument, location, argument?.Name ?? text, argument?.Attribute ?? "expression", result.Error.Message);
                return false;
            default:
                // Values (division by zero, overflow) depend on the real parameters: shape inference judges those.
                return true;
        }
    }

    private static string NameAt(string text, int position)
    {
        if (position < 0 || position >= text.Length)
        {
            return text;
        }

        var end = position;
        while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_'))
        {
            end++;
        }

        return end > position ? text.Substring(position, end - position) : text;
    }
}
