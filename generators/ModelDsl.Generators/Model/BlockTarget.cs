using ModelDsl.Spec;

namespace ModelDsl.Generators;

/// <summary>One <c>[Block]</c> class as value-equatable data.</summary>
/// <param name="Namespace">The class's namespace; null in the global namespace.</param>
/// <param name="ClassName">The class name.</param>
/// <param name="Members">The layer properties, in forward order.</param>
/// <param name="Residuals">The residual connections, in member order, over disjoint ranges of members.</param>
/// <param name="Spec">The block as a spec, named by its fully qualified C# name.</param>
internal sealed record BlockTarget(
    string? Namespace,
    string ClassName,
    EquatableArray<MemberTarget> Members,
    EquatableArray<ResidualTarget> Residuals,
    BlockSpec Spec)
{
    /// <summary>The blocks its members use, directly or inside them (set for the block's own emission; empty in a model's list).</summary>
    public EquatableArray<BlockTarget> Uses { get; init; } = EquatableArray<BlockTarget>.Empty;

    /// <summary>The class as C# code refers to it: <c>global::Demo.BasicBlock</c>.</summary>
    public string QualifiedName => "global::" + (Namespace is null ? ClassName : Namespace + "." + ClassName);
}
