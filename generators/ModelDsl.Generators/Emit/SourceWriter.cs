using System.Text;

namespace ModelDsl.Generators;

// Builds generated source line by line with four-space indentation and "\n" line ends on every platform, so
// the output is byte-for-byte deterministic.
internal sealed class SourceWriter
{
    private readonly StringBuilder text = new();
    private int depth;

    /// <summary>Writes one line at the current indentation (an empty line has no trailing spaces).</summary>
    public SourceWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            text.Append(' ', depth * 4).Append(line);
        }

        text.Append('\n');
        return this;
    }

    /// <summary>Writes <paramref name="header"/> and an opening brace, then indents.</summary>
    public SourceWriter Open(string header)
    {
        Line(header);
        Line("{");
        depth++;
        return this;
    }

    /// <summary>Outdents and writes a closing brace followed by <paramref name="suffix"/>.</summary>
    public SourceWriter Close(string suffix = "")
    {
        depth--;
        return Line("}" + suffix);
    }

    /// <summary>Indents the following lines one more level.</summary>
    public SourceWriter Indent()
    {
        depth++;
        return this;
    }

    /// <summary>Undoes one <see cref="Indent"/>.</summary>
    public SourceWriter Outdent()
    {
        depth--;
        return this;
    }

    /// <summary>Writes a C# expression tree, breaking each argument list with arguments onto lines of its own.</summary>
    public SourceWriter Code(string prefix, Code code, string suffix)
    {
        if (code.Arguments.Count == 0)
        {
            return Line(prefix + code.Head + code.Tail + suffix);
        }

        Line(prefix + code.Head);
        depth++;
        for (var i = 0; i < code.Arguments.Count; i++)
        {
            var (before, argument, after) = code.Arguments[i];
            var last = i == code.Arguments.Count - 1;
            Code(before, argument, after + (last ? code.Tail + suffix : ","));
        }

        depth--;
        return this;
    }

    /// <inheritdoc />
    public override string ToString() => text.ToString();
}
