namespace ModelDsl;

/// <summary>
/// The heads of one multi-head attention, kept or removed whole (the head width unchanged): q, k and v rows of a head
/// and the out_proj columns that read it go together.
/// </summary>
/// <param name="DenseHeads">Heads in the dense model.</param>
/// <param name="KeptHeads">Heads the pruned model keeps, 1 ≤ KeptHeads ≤ DenseHeads.</param>
/// <param name="HeadDim">The width of one head.</param>
/// <param name="Rows">
/// State-dict names of the stacked q, k, v projections (<c>in_proj_weight</c> [3·H·d, E], <c>in_proj_bias</c> [3·H·d]):
/// dim 0 is three blocks of H heads of d rows.
/// </param>
/// <param name="Columns">State-dict names of the tensors whose dim 1 reads the heads (<c>out_proj.weight</c> [E, H·d]).</param>
public sealed record HeadGroup(int DenseHeads, int KeptHeads, int HeadDim, IReadOnlyList<string> Rows, IReadOnlyList<string> Columns);
