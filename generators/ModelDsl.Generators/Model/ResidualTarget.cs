namespace ModelDsl.Generators;

/// <summary>A block's residual connection.</summary>
/// <param name="Shortcut">The spec's shortcut mode: <c>identity</c>, <c>projection</c> or <c>if-same</c>.</param>
/// <param name="BranchLength">How many of the block's members form the branch (the rest run after the add).</param>
/// <param name="ProjectionName">State-dict name of an inferred projection (<c>downsample</c>).</param>
internal sealed record ResidualTarget(string Shortcut, int BranchLength, string ProjectionName);
