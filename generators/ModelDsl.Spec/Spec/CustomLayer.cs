using System.Globalization;

namespace ModelDsl.Spec;

/// <summary>
/// How a <see cref="LayerKind.Custom"/> layer's lists are carried in its text arguments (the spec stays plain
/// name/value text): <c>arguments</c> and <c>output</c> hold one item per constructor argument or output dimension,
/// separated by <see cref="Separator"/>; a constructor argument starts with its kind, <c>i:</c> (an integer or an
/// expression), <c>b:</c> (a boolean) or <c>r:</c> (a real, round-trip format).
/// </summary>
public static class CustomLayer
{
    /// <summary>Separates the items of a list argument (no expression or number contains one).</summary>
    public const char Separator = ';';

    /// <summary>
    /// The one tensor a custom layer's spec lists (its declared <c>Parameters</c> count, under the layer's path): its real
    /// tensors are the module's own, which only the running module knows.
    /// </summary>
    public const string DeclaredParameters = "(declared parameters)";

    /// <summary>The expression name of the layer input's dimension <paramref name="index"/> (<c>in0</c>, <c>in1</c> …).</summary>
    /// <param name="index">The per-sample dimension.</param>
    public static string InputName(int index) => "in" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The names a custom layer's expressions may use for its input, for a check before shapes are known (ranks up to 8).</summary>
    public static IEnumerable<string> InputNames => Enumerable.Range(0, 8).Select(InputName);

    /// <summary>The items of a list argument; none for an empty text.</summary>
    /// <param name="text">The argument's text.</param>
    public static IReadOnlyList<string> Items(string? text) =>
        string.IsNullOrEmpty(text) ? Array.Empty<string>() : text!.Split(Separator);

    /// <summary>A list argument's text.</summary>
    /// <param name="items">The items.</param>
    public static string Join(IEnumerable<string> items) => string.Join(Separator.ToString(), items);
}
