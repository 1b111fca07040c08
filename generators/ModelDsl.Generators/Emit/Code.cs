namespace ModelDsl.Generators;

/// <summary>
/// A C# expression as the emitter builds it: a head (<c>new global::ModelDsl.Sequential(</c>), arguments that may be
/// expressions themselves, each with text around it (<c>("0", </c> … <c>)</c>), and a tail (<c>)</c>).
/// A leaf is a head with no arguments.
/// </summary>
internal sealed class Code
{
    private Code(string head, string tail, List<(string Before, Code Argument, string After)> arguments)
    {
        Head = head;
        Tail = tail;
        Arguments = arguments;
    }

    public string Head { get; }

    public string Tail { get; }

    public List<(string Before, Code Argument, string After)> Arguments { get; }

    /// <summary>A one-line expression.</summary>
    public static Code Leaf(string text) => new(text, string.Empty, new List<(string, Code, string)>());

    /// <summary>A call <c>head(</c> … <c>)</c> whose arguments are added with <see cref="Add"/>.</summary>
    public static Code Call(string head) => new(head + "(", ")", new List<(string, Code, string)>());

    /// <summary>Adds an argument with text before and after it; returns this.</summary>
    public Code Add(string before, Code argument, string after = "")
    {
        Arguments.Add((before, argument, after));
        return this;
    }
}
