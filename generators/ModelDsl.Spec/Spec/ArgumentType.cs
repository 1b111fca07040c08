namespace ModelDsl.Spec;

/// <summary>How an argument's text is read.</summary>
public enum ArgumentType
{
    /// <summary>An integer or an expression (<see cref="Expression"/>).</summary>
    Int,

    /// <summary><c>true</c>/<c>false</c> (or 1/0).</summary>
    Bool,

    /// <summary>A real number in invariant culture (e.g. dropout probability).</summary>
    Real,

    /// <summary>A word or path, taken as written.</summary>
    Text,
}
