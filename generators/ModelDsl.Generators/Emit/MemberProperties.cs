namespace ModelDsl.Generators;

// The implementing declarations of the layer properties the user declared partial, shared by models and blocks; a
// variant class, which nobody declares, gets plain get-only properties of the same types.
internal static class MemberProperties
{
    public static void Write(SourceWriter writer, IEnumerable<MemberTarget> members, bool declared = true)
    {
        foreach (var member in members)
        {
            writer.Line();
            writer.Line("/// <summary>The <c>" + member.Layer.Name + "</c> module (generated from the attributes on this property).</summary>");
            writer.Line(declared
                ? (member.Accessibility.Length == 0 ? string.Empty : member.Accessibility + " ") + "partial " + member.TypeName + " " + member.Identifier + " { get => field; }"
                : "public " + member.TypeName + " " + member.Identifier + " { get; }");
        }
    }
}
