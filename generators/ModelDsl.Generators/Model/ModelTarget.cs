using ModelDsl.Spec;

namespace ModelDsl.Generators;

/// <summary>
/// Everything the generator needs about one <c>[Model]</c> class, as value-equatable data with no Roslyn types, so
/// that the pipeline after the first transform is cached across edits that do not change it.
/// </summary>
/// <param name="Namespace">The class's namespace; null in the global namespace.</param>
/// <param name="ClassName">The class name.</param>
/// <param name="Spec">The model as a spec (layers named as its state dict).</param>
/// <param name="Members">The layer properties, in forward order; member <c>i</c> is <c>Spec.Layers[i]</c>.</param>
/// <param name="Blocks">The blocks the model uses, directly or inside other blocks.</param>
/// <param name="MemoryFormat">The attribute's memory format: Auto is channels-last for a convolutional image model.</param>
/// <param name="Accessibility">The class's accessibility (<c>public</c>, <c>internal</c>), which its variant classes take.</param>
internal sealed record ModelTarget(
    string? Namespace,
    string ClassName,
    ModelSpec Spec,
    EquatableArray<MemberTarget> Members,
    EquatableArray<BlockTarget> Blocks,
    MemoryFormat MemoryFormat = MemoryFormat.Auto,
    string Accessibility = "public");
