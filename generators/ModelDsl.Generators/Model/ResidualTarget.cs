namespace ModelDsl.Generators;

/// <summary>One residual connection of a block, around its members <c>[Start, End)</c>.</summary>
/// <param name="Shortcut">The spec's shortcut mode: <c>identity</c>, <c>projection</c> or <c>if-same</c>.</param>
/// <param name="Start">Index of the residual's first member: the branch's, or its declared shortcut path's.</param>
/// <param name="End">Index after the branch's last member.</param>
/// <param name="ProjectionName">State-dict name of an inferred projection (<c>downsample</c>).</param>
/// <param name="Combine">How the branch joins its input: <c>add</c>, <c>multiply</c> for a gate, <c>concat</c> along the channels.</param>
/// <param name="ParameterName">
/// The generated constructor's parameter for what varies per use: the projection (named as it,
/// <c>downsample</c>) or, for <c>if-same</c>, whether the addition happens (<c>residual</c>, <c>residual1</c> …); null for identity.
/// </param>
/// <param name="BranchStart">Index of the branch's first member: <paramref name="Start"/>, or after a declared shortcut path (<c>ShortcutFrom</c>).</param>
internal sealed record ResidualTarget(string Shortcut, int Start, int End, string ProjectionName, string Combine, string? ParameterName, int BranchStart)
{
    /// <summary>Whether members <see cref="Start"/> … <see cref="BranchStart"/> − 1 are a declared shortcut path.</summary>
    public bool HasShortcutPath => BranchStart > Start;
}
