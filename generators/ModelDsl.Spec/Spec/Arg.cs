using System.Globalization;

namespace ModelDsl.Spec;

/// <summary>
/// One named argument of a layer, block or stage, kept as text: an integer (<c>"64"</c>), an expression over
/// block parameters (<c>"width * 4"</c>), a boolean (<c>"true"</c>), a real (<c>"0.1"</c>) or a word (<c>"gpt2"</c>).
/// Text keeps the spec trivially equatable and lets the generator copy attribute values without interpreting them.
/// </summary>
/// <param name="Name">The argument name, e.g. <c>out</c>, <c>kernel</c>, <c>width</c>.</param>
/// <param name="Value">The argument value as written.</param>
public sealed record Arg(string Name, string Value)
{
    /// <summary>An integer argument.</summary>
    /// <param name="name">Argument name.</param>
    /// <param name="value">Its value.</param>
    public static Arg Of(string name, long value) => new(name, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A boolean argument.</summary>
    /// <param name="name">Argument name.</param>
    /// <param name="value">Its value.</param>
    public static Arg Of(string name, bool value) => new(name, value ? "true" : "false");

    /// <summary>A real argument, formatted in the invariant culture.</summary>
    /// <param name="name">Argument name.</param>
    /// <param name="value">Its value.</param>
    public static Arg Of(string name, double value) => new(name, value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>A text or expression argument.</summary>
    /// <param name="name">Argument name.</param>
    /// <param name="value">Its value.</param>
    public static Arg Of(string name, string value) => new(name, value);

    /// <summary>Converts <c>("out", 64)</c>.</summary>
    /// <param name="pair">Name and value.</param>
    public static implicit operator Arg((string Name, int Value) pair) => Of(pair.Name, pair.Value);

    /// <summary>Converts <c>("out", 64L)</c>.</summary>
    /// <param name="pair">Name and value.</param>
    public static implicit operator Arg((string Name, long Value) pair) => Of(pair.Name, pair.Value);

    /// <summary>Converts <c>("bias", false)</c>.</summary>
    /// <param name="pair">Name and value.</param>
    public static implicit operator Arg((string Name, bool Value) pair) => Of(pair.Name, pair.Value);

    /// <summary>Converts <c>("p", 0.1)</c>.</summary>
    /// <param name="pair">Name and value.</param>
    public static implicit operator Arg((string Name, double Value) pair) => Of(pair.Name, pair.Value);

    /// <summary>Converts <c>("out", "width * 4")</c>.</summary>
    /// <param name="pair">Name and value.</param>
    public static implicit operator Arg((string Name, string Value) pair) => Of(pair.Name, pair.Value);

    /// <inheritdoc />
    public override string ToString() => Name + " = " + Value;
}
