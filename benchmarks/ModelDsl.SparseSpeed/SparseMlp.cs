namespace ModelDsl.SparseSpeed;

/// <summary>An MLP from 256 inputs through a 4096-wide hidden pair to 1024, its 90 %-sparse variant (layer by layer) and its 2:4 variant.</summary>
[Model(InputShape = [256])]
[Variant("Sparse90", Prune = 0.9)]
[Variant("Nm24", Sparsity = "2:4")]
public partial class SparseMlp
{
    /// <summary>Expansion.</summary>
    [Linear(4096), ReLU] public partial Layer Up { get; }

    /// <summary>Hidden.</summary>
    [Linear(4096), ReLU] public partial Layer Mid { get; }

    /// <summary>Projection.</summary>
    [Linear(1024)] public partial Layer Down { get; }
}
