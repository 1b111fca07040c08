using ModelDsl.Spec;

namespace ModelDsl.Generators;

// How a generated constructor starts and how it stores and registers each member: under its PyTorch state-dict name,
// explicitly (no reflection over fields, which names by C# field and is lost under NativeAOT). A bare parameter of
// the parent (ViT's class_token) is attached to it instead: the state dict lists class_token, not class_token.weight.
internal static class Registration
{
    public static void OpenConstructor(SourceWriter writer, string signature, string className)
    {
        writer.Line(signature);
        writer.Indent();
        writer.Line(": base(nameof(" + Names.Identifier(className) + "))");
        writer.Outdent();
        writer.Line("{");
        writer.Indent();
    }

    /// <summary>
    /// TorchSharp registers a module's fields by reflection unless told not to: it would add every member a second time
    /// under its backing field's name (<c>&lt;Conv1&gt;k__BackingField</c>), and reflection is what NativeAOT loses.
    /// </summary>
    public static void WriteNoReflection(SourceWriter writer)
    {
        writer.Line();
        writer.Line("/// <summary>Every submodule and parameter is registered explicitly, under its PyTorch state-dict name.</summary>");
        writer.Line("protected override void RegisterComponents()");
        writer.Line("{");
        writer.Line("}");
    }

    /// <summary>A model member: built by <paramref name="code"/>, stored in its property, registered.</summary>
    public static void Write(SourceWriter writer, MemberTarget member, Code code, ResolvedNode node)
    {
        var name = member.Layer.Name!;
        if (node.Layer is { } layer && ModuleTypes.IsParameter(ModuleTypes.OfLayer(layer.Kind, Text(layer, "layout"), null)))
        {
            var local = Names.ToParameterName(member.PropertyName);
            writer.Code("var " + local + " = ", code, ";");
            writer.Line(local + ".AttachTo(this, \"" + name + "\");");
            writer.Line(member.Identifier + " = " + local + ";");
            return;
        }

        writer.Code(member.Identifier + " = ", code, ";");
        writer.Line("register_module(\"" + name + "\", " + member.Identifier + ");");
    }

    /// <summary>A block member, passed to the block's constructor: stored, then registered (or attached, for a bare parameter).</summary>
    public static void Write(SourceWriter writer, MemberTarget member)
    {
        var name = member.Layer.Name!;
        writer.Line(member.Identifier + " = " + member.ParameterName + ";");
        writer.Line(member.IsParameter
            ? member.ParameterName + ".AttachTo(this, \"" + name + "\");"
            : "register_module(\"" + name + "\", " + member.ParameterName + ");");
    }

    private static string? Text(LayerShape layer, string name) => layer.Arguments.FirstOrDefault(a => a.Name == name)?.Text;
}
