namespace ModelDsl.Spec;

/// <summary>
/// A reusable, parameterised block (ResNet BasicBlock, MobileNetV2 inverted residual, a transformer layer).
/// Integer arguments of its layers may be expressions over <see cref="Parameters"/> and the implicit name
/// <c>in_channels</c> (channel count of the block's input: C of [C, H, W], D of [T, D], F of [F]).
/// </summary>
/// <param name="Name">The name uses refer to (<c>block = "BasicBlock"</c>).</param>
/// <param name="Parameters">Declared parameters, in order.</param>
/// <param name="Layers">The block's layers, named relative to the block.</param>
public sealed record BlockSpec(string Name, EquatableArray<BlockParameter> Parameters, EquatableArray<LayerSpec> Layers);
