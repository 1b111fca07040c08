using ModelDsl.Spec;

namespace ModelDsl.Generators;

// Builds the constructor expression of every property of a model by walking the resolved tree: an nn.Sequential (or a
// named stage) of its children under their state-dict names, a block from its members and what inference decided about
// its residuals, a layer from its inferred row.
internal sealed class Construction
{
    private const string Sequential = "global::TorchSharp.torch.nn.Sequential";

    private readonly Dictionary<string, BlockTarget> blocks = new(StringComparer.Ordinal);

    public Construction(IEnumerable<BlockTarget> blockTargets)
    {
        foreach (var block in blockTargets)
        {
            blocks[block.Spec.Name] = block;
        }
    }

    /// <summary>The expression that builds <paramref name="node"/>, or null when the runtime cannot (MDSL1006 says which layer).</summary>
    public Code? Node(ResolvedNode node)
    {
        switch (node.Kind)
        {
            case LayerKind.Sequential or LayerKind.Stage:
            {
                var call = Code.Call(Sequential);
                foreach (var child in node.Children)
                {
                    if (Node(child) is not { } code)
                    {
                        return null;
                    }

                    call.Add("(" + Quote(child.Name) + ", ", code, ")");
                }

                return call;
            }

            case LayerKind.Block:
                return node.Block is { } name && blocks.TryGetValue(name, out var block) ? Block(block, node) : null;
            case LayerKind.Residual or LayerKind.ResidualAdd:
                return null;
            default:
                return node.Layer is { } row && LayerFactory.New(row) is { } text ? Code.Leaf(text) : null;
        }
    }

    // One use of a block: its members by name, then what each residual needs at this use.
    private Code? Block(BlockTarget block, ResolvedNode node)
    {
        var members = node.Members.ToList();
        var residuals = node.Residuals.ToList();
        if (members.Count != block.Members.Count || residuals.Count != block.Residuals.Count)
        {
            return null;
        }

        var call = Code.Call("new " + block.QualifiedName);
        for (var i = 0; i < members.Count; i++)
        {
            if (Node(members[i]) is not { } code)
            {
                return null;
            }

            call.Add(block.Members[i].ParameterName + ": ", code);
        }

        for (var i = 0; i < residuals.Count; i++)
        {
            var residual = block.Residuals[i];
            switch (residual.Shortcut)
            {
                case "projection":
                    // Inference adds the projection (a 1x1 conv and a BatchNorm2d) only where the branch changes the shape.
                    var projection = residuals[i].Projection is { } added ? Node(added) : Code.Leaf("null");
                    if (projection is null)
                    {
                        return null;
                    }

                    call.Add(residual.ParameterName + ": ", projection);
                    break;
                case "if-same":
                    call.Add(residual.ParameterName + ": ", Code.Leaf(residuals[i].Add is not null ? "true" : "false"));
                    break;
            }
        }

        return call;
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
