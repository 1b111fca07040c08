namespace ModelDsl.Spec;

/// <summary>An argument a layer kind accepts.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Type">How its text is read.</param>
/// <param name="Default">Its default as text; null when required.</param>
public sealed record ArgumentDefinition(string Name, ArgumentType Type, string? Default);
