using ModelDsl.Spec;

namespace ModelDsl.Generators;

/// <summary>What makes a model's emission a variant class: the dense class it is cut from, and how.</summary>
/// <param name="DenseClass">The dense model's class name (<c>ResNet18</c>).</param>
/// <param name="Name">The variant's name (<c>Slim</c>); the class is <c>ResNet18Slim</c>.</param>
/// <param name="KeepChannels">The keep ratio the widths were scaled by.</param>
/// <param name="Plan">The dependency groups and tensor cuts <c>FromDense</c> applies.</param>
internal sealed record VariantContext(string DenseClass, string Name, double KeepChannels, ChannelPlan Plan);
