namespace ModelDsl.Spec;

/// <summary>One layer a sparse variant sparsifies, with its weight count and the non-zeros the compile-time cost counts.</summary>
/// <param name="Path">The layer's path (its weight is <c>Path + ".weight"</c>).</param>
/// <param name="Kind">Linear, Conv1d or Conv2d.</param>
/// <param name="Weights">Elements of its weight.</param>
/// <param name="Kept">Non-zero weights after sparsification (for a global ranking: the compile-time split, see <see cref="SparseFormat"/>).</param>
public sealed record SparseLayer(string Path, LayerKind Kind, long Weights, long Kept);
