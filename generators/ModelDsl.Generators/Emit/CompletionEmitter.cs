namespace ModelDsl.Generators;

// The generated half of a class that cannot be built: the partial layer properties, each throwing, and nothing else,
// so that the compiler gets past the declarations and prints the MDSL errors that say why.
internal static class CompletionEmitter
{
    public static GeneratedSource Emit(ClassCompletion completion, string problem)
    {
        var writer = new SourceWriter();
        FileHeader.Write(writer, completion.Namespace, "the attributes of " + completion.DisplayName + ", which has errors (see the MDSL diagnostics)");
        foreach (var container in completion.Containers)
        {
            writer.Open(container);
        }

        writer.Open("partial class " + completion.ClassName + (completion.IsLayer ? " : " + ModuleTypes.Module : string.Empty));
        writer.Line("// ModelDsl could not generate this class; the build reports why, on the attribute at fault. These members");
        writer.Line("// only let the compiler reach those diagnostics.");
        if (completion.IsLayer)
        {
            var name = completion.ClassName.Split('<')[0];
            writer.Line("/// <summary>Throws: the class has errors.</summary>");
            writer.Line("public " + name + "()");
            writer.Indent();
            writer.Line(": base(nameof(" + name + ")) => throw NotGenerated();");
            writer.Outdent();
            writer.Line();
            writer.Line("/// <inheritdoc />");
            writer.Line("public override global::TorchSharp.torch.Tensor forward(global::TorchSharp.torch.Tensor input) => throw NotGenerated();");
        }

        writer.Line("private static global::System.InvalidOperationException NotGenerated() =>");
        writer.Indent();
        writer.Line("new(" + Literal("ModelDsl could not generate '" + completion.DisplayName + "': " + problem) + ");");
        writer.Outdent();
        foreach (var property in completion.Properties)
        {
            writer.Line();
            writer.Line((property.Modifiers.Length == 0 ? string.Empty : property.Modifiers + " ") + "partial " + property.TypeName + " " + property.Name + " " + property.Accessors);
        }

        writer.Close();
        foreach (var _ in completion.Containers)
        {
            writer.Close();
        }

        return new GeneratedSource(FileHeader.HintName(completion.Namespace, completion.DisplayName), writer.ToString());
    }

    // A regular string literal: the message is one line, but may hold quotes and backslashes from the user's attributes.
    private static string Literal(string text)
    {
        var escaped = new System.Text.StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                _ when char.IsControl(c) => "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return escaped.Append('"').ToString();
    }
}
