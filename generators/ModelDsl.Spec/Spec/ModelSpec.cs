namespace ModelDsl.Spec;

/// <summary>
/// A whole model as plain, value-equatable data: what the generator builds from the attributes and what
/// <see cref="Shapes.Infer"/> and <see cref="Cost.Of(ModelSpec, CostOptions?)"/> read.
/// </summary>
/// <param name="Name">The model class name.</param>
/// <param name="Input">Per-sample input.</param>
/// <param name="Layers">Top-level layers in forward order, named as the model's state dict (<c>conv1</c>, <c>layer1</c> …).</param>
/// <param name="Blocks">Blocks that <see cref="LayerKind.Block"/> and <see cref="LayerKind.Stage"/> nodes refer to by name.</param>
/// <param name="Budget">Declared budgets.</param>
/// <param name="Variants">Declared variants.</param>
public sealed record ModelSpec(
    string Name,
    InputSpec Input,
    EquatableArray<LayerSpec> Layers,
    EquatableArray<BlockSpec> Blocks = default,
    BudgetSpec? Budget = null,
    EquatableArray<VariantSpec> Variants = default);
