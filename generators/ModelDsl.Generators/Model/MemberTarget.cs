using ModelDsl.Spec;

namespace ModelDsl.Generators;

/// <summary>One <c>partial Layer</c> property of a model or block and the spec node its attributes make.</summary>
/// <param name="Accessibility">The property's accessibility modifiers as written (<c>public</c>; empty for none), which its implementation repeats.</param>
/// <param name="PropertyName">The C# property name (<c>Conv1</c>).</param>
/// <param name="TypeName">The property type, fully qualified (<c>global::ModelDsl.Layer</c>).</param>
/// <param name="ParameterName">The property as a constructor parameter name (<c>conv1</c>, escaped if a keyword).</param>
/// <param name="Layer">The spec node; its name is the property's state-dict name (<c>conv1</c>).</param>
internal sealed record MemberTarget(string Accessibility, string PropertyName, string TypeName, string ParameterName, LayerSpec Layer)
{
    /// <summary>The property as generated code names it: <c>@class</c> where the name is a keyword.</summary>
    public string Identifier => Names.Identifier(PropertyName);

    /// <summary>The TorchSharp type of the module the attributes make (the block class for a block use).</summary>
    public string ModuleType => ModuleTypes.Of(Layer, Layer.Kind == LayerKind.Block ? "global::" + Layer.GetArg("block") : null);

    /// <summary>True for a bare parameter of the parent (a class token, a position parameter), attached rather than registered.</summary>
    public bool IsParameter => ModuleTypes.IsParameter(ModuleType);
}
