using System.Globalization;

namespace ModelDsl.Spec;

/// <summary>
/// The notation for block sizes that depend on block parameters (attribute arguments must be constants):
/// integers, names, <c>+ - * /</c>, unary minus and parentheses, e.g. <c>"width * 4"</c> or
/// <c>"(in_channels + 1) / 2"</c>. Division must be exact: a size is never silently rounded.
/// </summary>
public static class Expression
{
    /// <summary>Evaluates <paramref name="text"/> with <paramref name="names"/> in scope.</summary>
    /// <param name="text">The expression.</param>
    /// <param name="names">Values of the names the expression may use (block parameters, <c>in_channels</c>).</param>
    /// <returns>The value, or a precise error (unknown name, inexact division, syntax).</returns>
    public static ExpressionResult Evaluate(string text, IReadOnlyDictionary<string, long> names)
    {
        var parser = new Parser(text ?? string.Empty, names);
        try
        {
            var value = parser.ParseAll();
            return new ExpressionResult(value, null);
        }
        catch (FailedException failed)
        {
            return new ExpressionResult(0, failed.Error);
        }
    }

    /// <summary>True when <paramref name="text"/> is a plain integer literal (no names or operators).</summary>
    /// <param name="text">The argument text.</param>
    /// <param name="value">The literal's value.</param>
    public static bool TryParseLiteral(string text, out long value) =>
        long.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    // Recursive descent over: expr := term (('+'|'-') term)* ; term := unary (('*'|'/') unary)* ;
    // unary := '-' unary | atom ; atom := integer | name | '(' expr ')'.
    private sealed class Parser
    {
        private readonly string text;
        private readonly IReadOnlyDictionary<string, long> names;
        private int pos;

        public Parser(string text, IReadOnlyDictionary<string, long> names)
        {
            this.text = text;
            this.names = names;
        }

        public long ParseAll()
        {
            SkipSpace();
            if (pos >= text.Length)
            {
                throw Fail(ExpressionErrorKind.Syntax, "the expression is empty", 0);
            }

            var value = ParseSum();
            SkipSpace();
            if (pos < text.Length)
            {
                throw Fail(ExpressionErrorKind.Syntax, Invariant($"unexpected '{text[pos]}' at position {pos} in \"{text}\""), pos);
            }

            return value;
        }

        private long ParseSum()
        {
            var value = ParseProduct();
            while (true)
            {
                SkipSpace();
                if (pos >= text.Length || (text[pos] != '+' && text[pos] != '-'))
                {
                    return value;
                }

                var op = text[pos++];
                var at = pos;
                var right = ParseProduct();
                value = Checked(() => op == '+' ? checked(value + right) : checked(value - right), at);
            }
        }

        private long ParseProduct()
        {
            var value = ParseUnary();
            while (true)
            {
                SkipSpace();
                if (pos >= text.Length || (text[pos] != '*' && text[pos] != '/'))
                {
                    return value;
                }

                var op = text[pos];
                var opAt = pos++;
                var right = ParseUnary();
                if (op == '*')
                {
                    value = Checked(() => checked(value * right), opAt);
                    continue;
                }

                if (right == 0)
                {
                    throw Fail(ExpressionErrorKind.DivisionByZero, Invariant($"division by zero in \"{text}\""), opAt);
                }

                if (value % right != 0)
                {
                    throw Fail(ExpressionErrorKind.NotInteger, Invariant($"{value} / {right} is not an integer in \"{text}\""), opAt);
                }

                value /= right;
            }
        }

        private long ParseUnary()
        {
            SkipSpace();
            if (pos < text.Length && text[pos] == '-')
            {
                var at = pos++;
                var operand = ParseUnary();
                return Checked(() => checked(-operand), at);
            }

            return ParseAtom();
        }

        private long ParseAtom()
        {
            SkipSpace();
            if (pos >= text.Length)
            {
                throw Fail(ExpressionErrorKind.Syntax, Invariant($"expression \"{text}\" ends where a value was expected"), pos);
            }

            var c = text[pos];
            if (c == '(')
            {
                var open = pos++;
                var value = ParseSum();
                SkipSpace();
                if (pos >= text.Length || text[pos] != ')')
                {
                    throw Fail(ExpressionErrorKind.Syntax, Invariant($"'(' at position {open} is not closed in \"{text}\""), open);
                }

                pos++;
                return value;
            }

            if (char.IsDigit(c))
            {
                var start = pos;
                while (pos < text.Length && char.IsDigit(text[pos]))
                {
                    pos++;
                }

                var digits = text.Substring(start, pos - start);
                if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    throw Fail(ExpressionErrorKind.Overflow, Invariant($"{digits} does not fit in 64 bits"), start);
                }

                return number;
            }

            if (char.IsLetter(c) || c == '_')
            {
                var start = pos;
                while (pos < text.Length && (char.IsLetterOrDigit(text[pos]) || text[pos] == '_'))
                {
                    pos++;
                }

                var name = text.Substring(start, pos - start);
                if (names.TryGetValue(name, out var value))
                {
                    return value;
                }

                var known = names.Count == 0 ? "no names are in scope" : "names in scope: " + string.Join(", ", names.Keys.OrderBy(k => k, StringComparer.Ordinal));
                throw Fail(ExpressionErrorKind.UnknownName, Invariant($"unknown name '{name}' in \"{text}\" ({known})"), start);
            }

            throw Fail(ExpressionErrorKind.Syntax, Invariant($"unexpected '{c}' at position {pos} in \"{text}\""), pos);
        }

        private long Checked(Func<long> compute, int at)
        {
            try
            {
                return compute();
            }
            catch (OverflowException)
            {
                throw Fail(ExpressionErrorKind.Overflow, Invariant($"\"{text}\" overflows 64 bits"), at);
            }
        }

        private void SkipSpace()
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos]))
            {
                pos++;
            }
        }

        private static FailedException Fail(ExpressionErrorKind kind, string message, int position) =>
            new(new ExpressionError(kind, message, position));

        private static string Invariant(FormattableString s) => FormattableString.Invariant(s);
    }

    private sealed class FailedException : Exception
    {
        public FailedException(ExpressionError error)
            : base(error.Message)
        {
            Error = error;
        }

        public ExpressionError Error { get; }
    }
}
