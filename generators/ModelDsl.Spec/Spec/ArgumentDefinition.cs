namespace ModelDsl.Spec;

/// <summary>An argument a layer kind accepts.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Type">How its text is read.</param>
/// <param name="Default">Its default as text; null when required.</param>
/// <param name="Internal">Written by a variant's rewrite, not by users: left out of the arguments an error lists.</param>
public sealed record ArgumentDefinition(string Name, ArgumentType Type, string? Default, bool Internal = false);
