namespace ModelDsl.Spec;

/// <summary>A parameter of a <see cref="BlockSpec"/>, e.g. <c>width</c> or <c>stride</c>.</summary>
/// <param name="Name">The name expressions use.</param>
/// <param name="Default">Value (integer or expression over earlier parameters) when a use omits it; null = required.</param>
public sealed record BlockParameter(string Name, string? Default = null);
