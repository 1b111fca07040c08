using System.Globalization;
using Microsoft.CodeAnalysis;

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
