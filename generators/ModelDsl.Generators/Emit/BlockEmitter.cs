using static ModelDsl.Generators.Literals;

namespace ModelDsl.Generators;

// The generated half of a [Block] class: a Layer assembled from its layers — passed in, or built by the block itself
// from its parameters (BlockConstructor) where their sizes can be written over them — and a Forward that runs them
// around the residual connections.
internal static class BlockEmitter
{
    // The runtime's forward helpers (ModelDsl.Forward): call-and-free, and the residual addition.
    private const string Then = "global::ModelDsl.Forward.Then";
    private const string Call = "global::ModelDsl.Forward.Call";
    private const string AddResidual = "global::ModelDsl.Forward.AddResidual";
    private const string Gate = "global::ModelDsl.Forward.Gate";
    private const string Concat = "global::ModelDsl.Forward.Concat";
    private const string Halves = "global::ModelDsl.Forward.Halves";

    public static GeneratedSource Emit(BlockTarget block)
    {
        var writer = new SourceWriter();
        FileHeader.Write(writer, block.Namespace, "the [Block] attributes of " + block.ClassName);
        var pairs = BatchNormPairsEmitter.Pairs(block.Members, i => block.Residuals.Any(r => r.Start == i || r.End == i || r.BranchStart == i));
        writer.Open("partial class " + Names.Identifier(block.ClassName) + " : " + ModuleTypes.Module + (pairs.Count > 0 ? ", " + BatchNormPairsEmitter.Interface : string.Empty));
        var fields = false;
        foreach (var residual in block.Residuals)
        {
            if (residual.ParameterName is { } name)
            {
                writer.Line("private readonly " + (residual.Shortcut == "projection" ? ModuleTypes.Module + "? " : "bool ") + name + ";");
                fields = true;
            }
        }

        if (fields)
        {
            writer.Line();
        }

        WriteConstructor(writer, block);
        BlockConstructor.Of(block, name => block.Uses.FirstOrDefault(b => b.Spec.Name == name))?.Write(writer);
        Registration.WriteNoReflection(writer);
        MemberProperties.Write(writer, block.Members);
        WriteForward(writer, block);
        BatchNormPairsEmitter.Write(writer, pairs);
        writer.Close();
        return new GeneratedSource(FileHeader.HintName(block.Namespace, block.ClassName), writer.ToString());
    }

    private static void WriteConstructor(SourceWriter writer, BlockTarget block)
    {
        // A bare parameter is taken as its own type, to be attached; every other member as the property's type.
        var parameters = block.Members.Select(m => (m.IsParameter ? m.ModuleType : m.TypeName) + " " + m.ParameterName).ToList();
        writer.Line("/// <summary>");
        writer.Line("/// Assembles the block from its layers, registered under their state-dict names in forward order. Generated models");
        writer.Line("/// call this for every use of the block, with each size resolved at compile time.");
        writer.Line("/// </summary>");
        foreach (var member in block.Members)
        {
            writer.Line("/// <param name=\"" + member.ParameterName.TrimStart('@') + "\">The <c>" + member.Layer.Name + "</c> module.</param>");
        }

        foreach (var residual in block.Residuals)
        {
            if (residual.Shortcut == "projection")
            {
                parameters.Add(ModuleTypes.Module + "? " + residual.ParameterName);
                writer.Line("/// <param name=\"" + residual.ParameterName!.TrimStart('@') + "\">The projection (<c>" + residual.ProjectionName + "</c>) where the branch changes the shape; null where the input is added as it is.</param>");
            }
            else if (residual.Shortcut == "if-same")
            {
                parameters.Add("bool " + residual.ParameterName);
                writer.Line("/// <param name=\"" + residual.ParameterName + "\">Whether the branch's input is added (only where the branch keeps the shape).</param>");
            }
        }

        writer.Line("public " + Names.Identifier(block.ClassName) + "(");
        writer.Indent();
        for (var i = 0; i < parameters.Count; i++)
        {
            writer.Line(parameters[i] + (i == parameters.Count - 1 ? ")" : ","));
        }

        writer.Line(": base(nameof(" + Names.Identifier(block.ClassName) + "))");
        writer.Outdent();
        writer.Line("{");
        writer.Indent();
        foreach (var residual in block.Residuals.Where(r => r.Shortcut == "if-same"))
        {
            writer.Line("this." + residual.ParameterName + " = " + residual.ParameterName + ";");
        }

        for (var i = 0; i < block.Members.Count; i++)
        {
            var member = block.Members[i];
            Registration.Write(writer, member);
            foreach (var residual in block.Residuals.Where(r => r.Shortcut == "projection" && r.End == i + 1))
            {
                // torchvision registers downsample after the branch's layers: the state dict lists it there.
                var name = residual.ParameterName!;
                writer.Open("if (" + name + " is not null)");
                writer.Line("this." + name + " = " + name + ";");
                writer.Line("register_module(\"" + residual.ProjectionName + "\", " + name + ");");
                writer.Close();
            }
        }

        writer.Close();
    }

    private static void WriteForward(SourceWriter writer, BlockTarget block)
    {
        writer.Line();
        writer.Line("/// <inheritdoc />");
        writer.Open("public override global::TorchSharp.torch.Tensor forward(global::TorchSharp.torch.Tensor input)");
        writer.Line("// Each intermediate is freed as soon as it is consumed; a branch's input is kept until its residual add.");

        // Which tensor variables this method owns (may free): never the caller's input; `x` unless it was just saved as a
        // branch input, whose owner is then the residual that adds it.
        var branchInputs = new Dictionary<ResidualTarget, string>();

        // What a residual joins instead of its input as it is: the first half of the channels (Shortcut.Split), or the
        // output of its declared shortcut path (ShortcutFrom) — always a tensor this method owns.
        var shortcuts = new Dictionary<ResidualTarget, string>();
        var xFree = false;
        var number = 0;
        for (var i = 0; i < block.Members.Count; i++)
        {
            // The tensor member i reads when it is not x: a branch's half of the channels, or the residual's kept input
            // again once its declared shortcut path has run.
            string? source = null;
            var sourceOwned = false;
            foreach (var residual in block.Residuals.Where(r => r.Start == i))
            {
                // A branch that starts the block adds the block's input; a later one keeps what reaches it.
                var name = i == 0 ? "input" : "branchInput" + branchInputs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (i > 0)
                {
                    writer.Line("var " + name + " = x;");
                    xFree = false;
                }

                branchInputs[residual] = name;
                if (residual.Shortcut == "split")
                {
                    // ShuffleNetV2's x.chunk(2, dim=1): two views; the kept input's own handle is not needed after.
                    var suffix = (number++).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    writer.Line("var (kept" + suffix + ", half" + suffix + ") = " + Halves + "(" + name + ");");
                    if (name != "input")
                    {
                        writer.Line(name + ".Dispose();");
                    }

                    shortcuts[residual] = "kept" + suffix;
                    source = "half" + suffix;
                    sourceOwned = true;
                }
            }

            foreach (var residual in block.Residuals.Where(r => r.HasShortcutPath && r.BranchStart == i))
            {
                // The shortcut path has run: keep its output for the join; the branch reads the residual's input again.
                var path = "shortcut" + (number++).ToString(System.Globalization.CultureInfo.InvariantCulture);
                writer.Line("var " + path + " = x;");
                shortcuts[residual] = path;
                source = branchInputs[residual];
                sourceOwned = source != "input";
            }

            var member = block.Members[i];
            var read = source ?? (i == 0 ? "input" : "x");
            var owned = source is null ? xFree && i > 0 : sourceOwned;
            // Named by its state-dict name: an input error reports the layer's path (the model's call prefixes the block's).
            var named = ", " + Quote(member.Layer.Name!);
            var call = owned ? Then + "(" + member.Identifier + ", " + read + named + ")" : Call + "(" + member.Identifier + ", " + read + named + ")";
            writer.Line((i == 0 ? "var x = " : "x = ") + call + ";");
            xFree = true;
            foreach (var residual in block.Residuals.Where(r => r.End == i + 1))
            {
                WriteJoin(writer, residual, branchInputs[residual], shortcuts.TryGetValue(residual, out var declared) ? declared : null);
            }
        }

        writer.Line("return x;");
        writer.Close();
    }

    // Joins a residual's branch output (x) to its shortcut: the kept input, or what replaces it (a half, a declared path).
    private static void WriteJoin(SourceWriter writer, ResidualTarget residual, string kept, string? replaced)
    {
        var shortcut = replaced ?? kept;
        var owned = shortcut != "input" ? "true" : "false";
        if (residual.Combine == "multiply")
        {
            // A gate: the branch's output scales the kept input (squeeze-excitation).
            writer.Line("x = " + Gate + "(x, " + shortcut + ", disposeInput: " + owned + ");");
            return;
        }

        if (residual.Combine == "concat" || replaced is not null)
        {
            // A split's or a declared path's residual input was freed where the branch read it; what is joined is owned here.
            writer.Line("x = " + (residual.Combine == "concat" ? Concat + "(" + shortcut + ", x, disposeShortcut: " + owned + ")" : AddResidual + "(x, " + shortcut + ", disposeShortcut: true)") + ";");
            return;
        }

        switch (residual.Shortcut)
        {
            case "projection":
                var projection = residual.ParameterName;
                if (shortcut == "input")
                {
                    writer.Line("x = " + projection + " is null ? " + AddResidual + "(x, input, disposeShortcut: false) : " + AddResidual + "(x, " + Call + "(" + projection + ", input), disposeShortcut: true);");
                }
                else
                {
                    writer.Line("x = " + AddResidual + "(x, " + projection + " is null ? " + shortcut + " : " + Then + "(" + projection + ", " + shortcut + "), disposeShortcut: true);");
                }

                break;
            case "if-same":
                writer.Open("if (" + residual.ParameterName + ")");
                writer.Line("x = " + AddResidual + "(x, " + shortcut + ", disposeShortcut: " + owned + ");");
                writer.Close();
                if (shortcut != "input")
                {
                    writer.Open("else");
                    writer.Line(shortcut + ".Dispose();");
                    writer.Close();
                }

                break;
            default:
                writer.Line("x = " + AddResidual + "(x, " + shortcut + ", disposeShortcut: " + owned + ");");
                break;
        }
    }
}
