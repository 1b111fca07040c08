using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace ModelDsl.Analyzers.Tests;

/// <summary>
/// Expected diagnostics written into the source: <c>{|MDSL1001:text|}</c> marks the exact span of a diagnostic with
/// that id. <see cref="Parse"/> removes the marks and returns the plain source and the spans.
/// </summary>
internal static class Markup
{
    public static (string Source, List<(string Id, TextSpan Span)> Expected) Parse(string markup)
    {
        var text = new StringBuilder();
        var expected = new List<(string, TextSpan)>();
        var open = new Stack<(string Id, int Start)>();
        for (var i = 0; i < markup.Length; i++)
        {
            if (markup[i] == '{' && i + 1 < markup.Length && markup[i + 1] == '|')
            {
                var colon = markup.IndexOf(':', i);
                open.Push((markup.Substring(i + 2, colon - i - 2), text.Length));
                i = colon;
            }
            else if (markup[i] == '|' && i + 1 < markup.Length && markup[i + 1] == '}' && open.Count > 0)
            {
                var (id, start) = open.Pop();
                expected.Add((id, TextSpan.FromBounds(start, text.Length)));
                i++;
            }
            else
            {
                text.Append(markup[i]);
            }
        }

        return (text.ToString(), expected);
    }
}
