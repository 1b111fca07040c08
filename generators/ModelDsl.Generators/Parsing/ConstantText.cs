using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelDsl.Generators;

// Attribute argument values as the spec's text: numbers in the invariant culture, booleans as true/false, strings
// (expressions over block parameters) as written. Anything else is not a valid argument and yields null.
internal static class ConstantText
{
    public static string? Of(TypedConstant constant)
    {
        if (constant.Kind != TypedConstantKind.Primitive)
        {
            return null;
        }

        return constant.Value switch
        {
            string text => text,
            bool flag => flag ? "true" : "false",
            double real => real.ToString("R", CultureInfo.InvariantCulture),
            float real => real.ToString("R", CultureInfo.InvariantCulture),
            int or long or short or sbyte or byte or ushort or uint => Convert.ToString(constant.Value, CultureInfo.InvariantCulture),
            _ => null,
        };
    }

    /// <summary>
    /// A value as a message quotes it: its C# form, but a whole real keeps its point (<c>3.0</c>, <c>2.0f</c>), since
    /// Roslyn writes <c>3.0</c> as <c>3</c> and "expected an integer, got 3" would quote an integer.
    /// </summary>
    public static string Shown(TypedConstant constant) => constant.Kind == TypedConstantKind.Primitive ? constant.Value switch
    {
        double real when Whole(real) => real.ToString("R", CultureInfo.InvariantCulture) + ".0",
        float real when Whole(real) => real.ToString("R", CultureInfo.InvariantCulture) + ".0f",
        _ => constant.ToCSharpString(),
    } : constant.ToCSharpString();

    private static bool Whole(double value) => !double.IsInfinity(value) && Math.Floor(value) == value && Math.Abs(value) < 1e15;

    public static int? Int(TypedConstant constant) =>
        constant.Kind == TypedConstantKind.Primitive && constant.Value is int value ? value : null;

    public static double? Real(TypedConstant constant) =>
        constant.Kind == TypedConstantKind.Primitive ? constant.Value switch
        {
            double d => d,
            float f => f,
            int i => i,
            long l => l,
            _ => null,
        } : null;

    public static long? Long(TypedConstant constant) =>
        constant.Kind == TypedConstantKind.Primitive ? constant.Value switch
        {
            long l => l,
            int i => i,
            _ => null,
        } : null;

    /// <summary>The strings of a <c>params string[]</c> argument, or null when one is not a string.</summary>
    public static List<string>? Strings(TypedConstant constant)
    {
        if (constant.Kind != TypedConstantKind.Array || constant.IsNull)
        {
            return constant.Kind == TypedConstantKind.Array ? new List<string>() : null;
        }

        var list = new List<string>();
        foreach (var item in constant.Values)
        {
            if (item.Value is not string text)
            {
                return null;
            }

            list.Add(text);
        }

        return list;
    }
}
