using ModelDsl.Spec;
using static ModelDsl.Generators.Literals;

namespace ModelDsl.Generators;

// Builds the constructor expression of every property of a model by walking the resolved tree: an nn.Sequential (or a
// named stage) of its children under their state-dict names, a block from its members and what inference decided about
// its residuals, a layer from its inferred row.
internal sealed class Construction
{
    private const string Sequential = "global::TorchSharp.torch.nn.Sequential";

    private readonly Dictionary<string, BlockTarget> blocks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BlockConstructor?> constructors = new(StringComparer.Ordinal);
    private readonly Spec.Precision weights;
    private readonly SparseFormat? sparse;

    /// <param name="blockTargets">The blocks the model uses.</param>
    /// <param name="weights">The weight precision of the class (an int8 or int4 variant's Linears are quantised layers).</param>
    /// <param name="sparse">The sparse format of an N:M or Prune variant (its layers are the runtime's sparse layers).</param>
    public Construction(IEnumerable<BlockTarget> blockTargets, Spec.Precision weights = Spec.Precision.Float32, SparseFormat? sparse = null)
    {
        this.weights = weights;
        this.sparse = sparse;
        foreach (var block in blockTargets)
        {
            blocks[block.Spec.Name] = block;
        }
    }

    /// <summary>The expression that builds <paramref name="node"/>, or null when the runtime cannot (MDSL1006 says which layer).</summary>
    /// <param name="node">The node to build.</param>
    /// <param name="freshInput">
    /// True when the node's input is the output of the layer just before it, which nothing else reads: an activation may
    /// then work in place (see <see cref="InPlace"/>).
    /// </param>
    /// <param name="previous">The node whose output is the input, when <paramref name="freshInput"/>.</param>
    public Code? Node(ResolvedNode node, bool freshInput = false, ResolvedNode? previous = null)
    {
        switch (node.Kind)
        {
            case LayerKind.Sequential or LayerKind.Stage:
            {
                var call = Code.Call(Sequential);
                for (var i = 0; i < node.Children.Count; i++)
                {
                    var child = node.Children[i];
                    if (Node(child, i > 0, i > 0 ? node.Children[i - 1] : null) is not { } code)
                    {
                        return null;
                    }

                    call.Add("(" + Quote(child.Name) + ", ", code, ")");
                }

                return call;
            }

            case LayerKind.Block:
                return node.Block is { } name && blocks.TryGetValue(name, out var block) ? Block(block, node) : null;
            case LayerKind.Residual or LayerKind.ResidualAdd or LayerKind.ResidualMultiply or LayerKind.ResidualConcat:
                return null;
            default:
                return node.Layer is { } row && LayerFactory.New(row, InPlace(freshInput, previous), weights, sparse) is { } text ? Code.Leaf(text) : null;
        }
    }

    // An activation overwrites its input (torchvision's inplace=True, a copy and an allocation fewer per activation)
    // only where that input is a fresh intermediate from a layer whose backward pass does not read its own output —
    // a convolution, linear or normalisation layer: never the caller's tensor, a residual's kept input, or the output
    // of an op (sigmoid, ReLU itself) that autograd saves.
    private static bool InPlace(bool freshInput, ResolvedNode? previous) =>
        freshInput && previous?.Layer?.Kind is LayerKind.Conv1d or LayerKind.Conv2d or LayerKind.Linear or
            LayerKind.BatchNorm1d or LayerKind.BatchNorm2d or LayerKind.LayerNorm or LayerKind.LayerNorm2d or LayerKind.GroupNorm;

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
        var built = new List<Code>();
        for (var i = 0; i < members.Count; i++)
        {
            // A member that starts a residual branch reads the tensor the residual keeps for its add: never in place.
            // So does a branch after a declared shortcut path, or one reading half of the channels (a view of its input).
            var fresh = i > 0 && !block.Residuals.Any(r => r.Start == i || r.BranchStart == i);
            if (Node(members[i], fresh, i > 0 ? members[i - 1] : null) is not { } code)
            {
                return null;
            }

            built.Add(code);
            call.Add(block.Members[i].ParameterName + ": ", code);
        }

        var shortcuts = new List<(bool Applies, Code? Projection)>();
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

                    shortcuts.Add((residuals[i].Projection is not null, projection));
                    call.Add(residual.ParameterName + ": ", projection);
                    break;
                case "if-same":
                    shortcuts.Add((residuals[i].Add is not null, null));
                    call.Add(residual.ParameterName + ": ", Code.Leaf(residuals[i].Add is not null ? "true" : "false"));
                    break;
                default:
                    shortcuts.Add((false, null));
                    break;
            }
        }

        // The block's own constructor from its parameters, where it builds exactly these modules; else the layers, passed in.
        if (!constructors.TryGetValue(block.Spec.Name, out var own))
        {
            constructors[block.Spec.Name] = own = BlockConstructor.Of(block, name => blocks.TryGetValue(name, out var used) ? used : null);
        }

        return own?.Call(node, built, shortcuts) ?? call;
    }

}
