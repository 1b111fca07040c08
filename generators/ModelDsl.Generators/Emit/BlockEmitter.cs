namespace ModelDsl.Generators;

// The generated half of a [Block] class: a Layer assembled from the layers a model builds for each use (their sizes
// differ per use, the structure does not), and a Forward that runs them around the residual connection.
internal static class BlockEmitter
{
    public static GeneratedSource Emit(BlockTarget block)
    {
        var writer = new SourceWriter();
        FileHeader.Write(writer, block.Namespace, "the [Block] attributes of " + block.ClassName);
        writer.Open("partial class " + block.ClassName + " : global::ModelDsl.Layer");
        var residual = block.Residual;
        if (residual?.Shortcut == "projection")
        {
            writer.Line("private readonly global::ModelDsl.Layer? shortcut;");
            writer.Line();
        }
        else if (residual?.Shortcut == "if-same")
        {
            writer.Line("private readonly bool residual;");
            writer.Line();
        }

        WriteConstructor(writer, block);
        MemberProperties.Write(writer, block.Members);
        WriteForward(writer, block);
        writer.Close();
        return new GeneratedSource(FileHeader.HintName(block.Namespace, block.ClassName), writer.ToString());
    }

    private static void WriteConstructor(SourceWriter writer, BlockTarget block)
    {
        var residual = block.Residual;
        var parameters = block.Members.Select(m => m.TypeName + " " + m.ParameterName).ToList();
        writer.Line("/// <summary>");
        writer.Line("/// Assembles the block from its layers, registered under their state-dict names in forward order. Generated models");
        writer.Line("/// call this for every use of the block, with each size resolved at compile time.");
        writer.Line("/// </summary>");
        foreach (var member in block.Members)
        {
            writer.Line("/// <param name=\"" + member.ParameterName.TrimStart('@') + "\">The <c>" + member.Layer.Name + "</c> module.</param>");
        }

        if (residual?.Shortcut == "projection")
        {
            parameters.Add("global::ModelDsl.Layer? shortcut");
            writer.Line("/// <param name=\"shortcut\">The projection (<c>" + residual.ProjectionName + "</c>) where the branch changes the shape; null where the input is added as it is.</param>");
        }
        else if (residual?.Shortcut == "if-same")
        {
            parameters.Add("bool residual");
            writer.Line("/// <param name=\"residual\">Whether the input is added (only where the branch keeps the shape).</param>");
        }

        writer.Open("public " + block.ClassName + "(" + string.Join(", ", parameters) + ")");
        if (residual?.Shortcut == "if-same")
        {
            writer.Line("this.residual = residual;");
        }

        for (var i = 0; i < block.Members.Count; i++)
        {
            var member = block.Members[i];
            writer.Line(member.PropertyName + " = RegisterModule(\"" + member.Layer.Name + "\", " + member.ParameterName + ");");
            if (residual?.Shortcut == "projection" && i == residual.BranchLength - 1)
            {
                // torchvision registers downsample after the branch's layers: the state dict lists it there.
                writer.Open("if (shortcut is not null)");
                writer.Line("this.shortcut = RegisterModule(\"" + residual.ProjectionName + "\", shortcut);");
                writer.Close();
            }
        }

        writer.Close();
    }

    private static void WriteForward(SourceWriter writer, BlockTarget block)
    {
        writer.Line();
        writer.Line("/// <inheritdoc />");
        writer.Open("public override global::ModelDsl.Tensor Forward(global::ModelDsl.Tensor input)");
        writer.Line("using var scope = global::ModelDsl.Torch.NewDisposeScope();");
        var residual = block.Residual;
        for (var i = 0; i < block.Members.Count; i++)
        {
            var member = block.Members[i];
            writer.Line((i == 0 ? "var x = " : "x = ") + member.PropertyName + ".Forward(" + (i == 0 ? "input" : "x") + ");");
            if (residual is not null && i == residual.BranchLength - 1)
            {
                switch (residual.Shortcut)
                {
                    case "projection":
                        writer.Line("x = x + (shortcut is null ? input : shortcut.Forward(input));");
                        break;
                    case "if-same":
                        writer.Open("if (residual)");
                        writer.Line("x = x + input;");
                        writer.Close();
                        break;
                    default:
                        writer.Line("x = x + input;");
                        break;
                }
            }
        }

        writer.Line("return scope.MoveToOuter(x);");
        writer.Close();
    }
}
