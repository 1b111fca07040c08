namespace ModelDsl.Spec;

/// <summary>Shape inference over a <see cref="ModelSpec"/>.</summary>
public static class Shapes
{
    /// <summary>
    /// Infers every layer's per-sample output shape in forward order, with module paths as PyTorch's state dict
    /// names them, or stops at the first error and says which layer, what was expected and what came.
    /// </summary>
    /// <param name="spec">The model.</param>
    public static ShapeResult Infer(ModelSpec spec) => Inference.Run(spec);
}
