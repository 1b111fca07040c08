namespace ModelDsl.Spec;

/// <summary>An argument after defaults and expressions are applied.</summary>
/// <param name="Name">Argument name.</param>
/// <param name="Value">Integer value (booleans are 0/1; 0 for text and reals).</param>
/// <param name="Text">The text for text and real arguments; null for integers and booleans.</param>
public sealed record ResolvedArg(string Name, long Value, string? Text = null);
