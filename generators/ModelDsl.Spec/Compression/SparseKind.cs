namespace ModelDsl.Spec;

/// <summary>The two sparsity patterns a variant can ask for.</summary>
public enum SparseKind
{
    /// <summary>N:M (<c>Sparsity = "2:4"</c>): N kept in every group of M along the reduction dimension, stored compressed.</summary>
    NM,

    /// <summary>Unstructured magnitude pruning (<c>Prune = 0.9</c>): the smallest |w|, stored as masked dense weights.</summary>
    Magnitude,
}
