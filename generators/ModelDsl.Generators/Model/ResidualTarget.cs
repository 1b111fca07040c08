namespace ModelDsl.Generators;

/// <summary>One residual connection of a block, around its members <c>[Start, End)</c>.</summary>
/// <param name="Shortcut">The spec's shortcut mode: <c>identity</c>, <c>projection</c> or <c>if-same</c>.</param>
/// <param name="Start">Index of the branch's first member.</param>
/// <param name="End">Index after the branch's last member.</param>
/// <param name="ProjectionName">State-dict name of an inferred projection (<c>downsample</c>).</param>
/// <param name="Combine">How the branch joins its input: <c>add</c>, or <c>multiply</c> for a gate.</param>
/// <param name="ParameterName">
/// The generated constructor's parameter for what varies per use: the projection (named as it,
/// <c>downsample</c>) or, for <c>if-same</c>, whether the addition happens (<c>residual</c>, <c>residual1</c> …); null for identity.
/// </param>
internal sealed record ResidualTarget(string Shortcut, int Start, int End, string ProjectionName, string Combine, string? ParameterName);
