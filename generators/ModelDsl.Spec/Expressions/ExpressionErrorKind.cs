namespace ModelDsl.Spec;

/// <summary>Why an expression has no integer value.</summary>
public enum ExpressionErrorKind
{
    /// <summary>The text is not a well-formed expression.</summary>
    Syntax,

    /// <summary>A name that is not a block parameter (or other name in scope).</summary>
    UnknownName,

    /// <summary>A division whose result is not an integer.</summary>
    NotInteger,

    /// <summary>Division by zero.</summary>
    DivisionByZero,

    /// <summary>The value does not fit in 64 bits.</summary>
    Overflow,
}
