using System.Text;
using System.Text.RegularExpressions;

namespace ModelDsl.Analyzers.Tests;

/// <summary>Seeded mutations a half-typed or mistaken declaration goes through: what a user types on the way to valid code.</summary>
internal sealed class Mutator(int seed)
{
    private static readonly Regex Number = new(@"-?\b\d+(\.\d+)?\b", RegexOptions.Compiled);
    private static readonly Regex StringLiteral = new("\"[^\"\\n]*\"", RegexOptions.Compiled);
    private static readonly Regex Argument = new(@"(?<=[(,]\s*)[^(),\[\]]+(?=[,)])", RegexOptions.Compiled);
    private static readonly Regex AttributeName = new(@"(?<=[\[,]\s*)[A-Z][A-Za-z0-9]*(?=[(,\]])", RegexOptions.Compiled);
    private static readonly string[] Names = { "Linear", "Conv2d", "Conv1d", "Block", "Stage", "Model", "Variant", "FlopBudget", "BatchNorm2d", "MultiheadAttention", "Residual", "Embedding", "Nope", "ReLU" };
    private static readonly string[] Values = { "0", "-1", "-64", "1.5", "true", "null", "\"\"", "\"x\"", "\"planes *\"", "\"unknown * 2\"", "int.MaxValue", "typeof(string)", "[1, 2]", "[]", "\"4:4\"", "\"2:3\"", "(Precision)9", "1e300", "\"1/0\"", "Shortcut.Identity" };
    private readonly Random random = new(seed);

    public string Mutate(string source)
    {
        var text = source;
        var rounds = 1 + random.Next(3);
        for (var i = 0; i < rounds; i++)
        {
            text = random.Next(10) switch
            {
                0 => Replace(text, Number, _ => Values[random.Next(Values.Length)]),
                1 => Replace(text, Number, m => "-" + m.Value),
                2 => Replace(text, StringLiteral, m => Garble(m.Value)),
                3 => Replace(text, Argument, _ => string.Empty),
                4 => Replace(text, Argument, _ => Values[random.Next(Values.Length)]),
                5 => Replace(text, AttributeName, _ => Names[random.Next(Names.Length)]),
                6 => DeleteLine(text),
                7 => text.Substring(0, random.Next(text.Length)),
                8 => Garble(text),
                _ => DeleteSpan(text),
            };
        }

        return text;
    }

    private string Replace(string text, Regex pattern, Func<Match, string> replacement)
    {
        var matches = pattern.Matches(text);
        if (matches.Count == 0)
        {
            return text;
        }

        var match = matches[random.Next(matches.Count)];
        return text.Substring(0, match.Index) + replacement(match) + text.Substring(match.Index + match.Length);
    }

    private string Garble(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        const string alphabet = "()[]{},;:=\"*+-/ 0123456789abcxyz_.\n";
        var builder = new StringBuilder(text);
        var edits = 1 + random.Next(3);
        for (var i = 0; i < edits; i++)
        {
            var at = random.Next(builder.Length);
            switch (random.Next(3))
            {
                case 0:
                    builder[at] = alphabet[random.Next(alphabet.Length)];
                    break;
                case 1:
                    builder.Remove(at, 1);
                    break;
                default:
                    builder.Insert(at, alphabet[random.Next(alphabet.Length)]);
                    break;
            }

            if (builder.Length == 0)
            {
                break;
            }
        }

        return builder.ToString();
    }

    private string DeleteLine(string text)
    {
        var lines = text.Split('\n').ToList();
        lines.RemoveAt(random.Next(lines.Count));
        return string.Join("\n", lines);
    }

    private string DeleteSpan(string text)
    {
        if (text.Length < 2)
        {
            return text;
        }

        var start = random.Next(text.Length);
        var length = random.Next(Math.Min(40, text.Length - start) + 1);
        return text.Remove(start, length);
    }
}
