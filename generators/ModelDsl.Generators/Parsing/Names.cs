using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelDsl.Generators;

// How C# names become state-dict names and constructor parameter names.
internal static class Names
{
    /// <summary>
    /// PascalCase to Python's snake_case, the convention of PyTorch state dicts: <c>Conv1</c> → <c>conv1</c>,
    /// <c>LmHead</c> → <c>lm_head</c>, <c>ClassToken</c> → <c>class_token</c>. Digits stay with the word before them and an
    /// acronym stays one word (<c>MLPHead</c> → <c>mlp_head</c>), so torchvision's names come out of natural C# names.
    /// </summary>
    public static string ToSnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var previousIsLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var endsAcronym = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if ((previousIsLowerOrDigit || endsAcronym) && text.Length > 0 && text[text.Length - 1] != '_')
                {
                    text.Append('_');
                }

                text.Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    /// <summary>camelCase, escaped with <c>@</c> when it is a C# keyword: <c>Conv1</c> → <c>conv1</c>, <c>Out</c> → <c>@out</c>.</summary>
    public static string ToParameterName(string name)
    {
        var camel = name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);
        return SyntaxFacts.GetKeywordKind(camel) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(camel) != SyntaxKind.None
            ? "@" + camel
            : camel;
    }

    /// <summary>A simple identifier (letters, digits, underscores; not starting with a digit), as block parameters are.</summary>
    public static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || char.IsDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A state-dict segment: letters, digits and underscores (<c>conv1</c>, <c>0</c>); a dot would make two.</summary>
    public static bool IsSegment(string name) => name.Length > 0 && name.All(c => char.IsLetterOrDigit(c) || c == '_');

    /// <summary>The name as a C# identifier: <c>@class</c> for a keyword, as the user had to write it.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
}
