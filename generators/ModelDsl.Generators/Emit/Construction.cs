using System.Globalization;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// Builds the constructor expression of every property of a model, walking the spec tree exactly as shape inference
// names it (children of an nn.Sequential numbered by position, stage items 0, 1 …, residuals transparent), and taking
// each layer's sizes from the inferred row at that path.
internal sealed class Construction
{
    private const string Sequential = "new global::ModelDsl.Sequential";

    private readonly Dictionary<string, LayerShape> rows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BlockTarget> blocks = new(StringComparer.Ordinal);

    public Construction(ShapeResult shapes, IEnumerable<BlockTarget> blockTargets)
    {
        foreach (var row in shapes.Layers)
        {
            if (!rows.ContainsKey(row.Path))
            {
                rows.Add(row.Path, row);
            }
        }

        foreach (var block in blockTargets)
        {
            blocks[block.Spec.Name] = block;
        }
    }

    /// <summary>The expression that builds <paramref name="node"/> at <paramref name="path"/>, or null when the runtime cannot.</summary>
    public Code? Node(LayerSpec node, string path)
    {
        switch (node.Kind)
        {
            case LayerKind.Sequential:
            {
                var call = Code.Call(Sequential);
                var index = 0;
                foreach (var child in node.Children)
                {
                    if (child is { Kind: LayerKind.Stage, Name: null })
                    {
                        // An unnamed stage continues its parent's numbering with its blocks (MobileNetV2's features.N).
                        if (!AddStageBlocks(call, child, path, ref index))
                        {
                            return null;
                        }

                        continue;
                    }

                    var name = child.Name ?? index.ToString(CultureInfo.InvariantCulture);
                    index++;
                    var code = Node(child, path + "." + name);
                    if (code is null)
                    {
                        return null;
                    }

                    call.Add("(" + Quote(name) + ", ", code, ")");
                }

                return call;
            }

            case LayerKind.Block:
                return blocks.TryGetValue(node.GetArg("block") ?? string.Empty, out var used) ? Block(used, path) : null;
            case LayerKind.Stage:
            {
                var call = Code.Call(Sequential);
                var index = 0;
                return AddStageBlocks(call, node, path, ref index) ? call : null;
            }

            case LayerKind.Residual or LayerKind.ResidualAdd:
                return null;
            default:
                return rows.TryGetValue(path, out var row) && LayerFactory.New(row) is { } text ? Code.Leaf(text) : null;
        }
    }

    // Adds a stage's blocks to a Sequential call, named by the stage's item pattern from position `index` on.
    private bool AddStageBlocks(Code call, LayerSpec stage, string path, ref int index)
    {
        if (!blocks.TryGetValue(stage.GetArg("block") ?? string.Empty, out var repeated) ||
            !int.TryParse(stage.GetArg("blocks"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
        {
            return false;
        }

        var pattern = stage.GetArg("item") ?? "{i}";
        for (var i = 0; i < count; i++)
        {
            var name = pattern.Replace("{i}", index.ToString(CultureInfo.InvariantCulture));
            index++;
            var code = Block(repeated, path + "." + name);
            if (code is null)
            {
                return false;
            }

            call.Add("(" + Quote(name) + ", ", code, ")");
        }

        return true;
    }

    // One use of a block: its members by name, then what its residual needs at this use.
    private Code? Block(BlockTarget block, string path)
    {
        var call = Code.Call("new " + block.QualifiedName);
        foreach (var member in block.Members)
        {
            var code = Node(member.Layer, path + "." + member.Layer.Name);
            if (code is null)
            {
                return null;
            }

            call.Add(member.ParameterName + ": ", code);
        }

        foreach (var residual in block.Residuals)
        {
            switch (residual.Shortcut)
            {
                case "projection":
                {
                    // Shape inference adds <name>.0 (1x1 conv) and <name>.1 (BatchNorm2d) where the branch changes the shape.
                    var prefix = path + "." + residual.ProjectionName;
                    Code projection = Code.Leaf("null");
                    if (rows.TryGetValue(prefix + ".0", out var conv) && rows.TryGetValue(prefix + ".1", out var norm) &&
                        LayerFactory.New(conv) is { } convText && LayerFactory.New(norm) is { } normText)
                    {
                        projection = Code.Call(Sequential).Add("(\"0\", ", Code.Leaf(convText), ")").Add("(\"1\", ", Code.Leaf(normText), ")");
                    }

                    call.Add(residual.ParameterName + ": ", projection);
                    break;
                }

                case "if-same":
                    call.Add(residual.ParameterName + ": ", Code.Leaf(rows.ContainsKey(path + "." + residual.AddName) ? "true" : "false"));
                    break;
            }
        }

        return call;
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
