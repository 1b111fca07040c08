using System.Globalization;

namespace ModelDsl.Spec;

// Walks the layer tree in forward order, carrying the current shape, the naming scope (state-dict prefix
// plus nn.Sequential-style running index) and the expression environment (block parameters).
internal sealed class Inference
{
    private readonly Dictionary<string, BlockSpec> blocks = new(StringComparer.Ordinal);
    private readonly List<LayerShape> rows = new();
    private readonly Dictionary<string, int> addCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> tensorOwners = new(StringComparer.Ordinal);

    // Blocks being expanded right now: a block that uses itself (directly or through another) would
    // recurse until the compiler's stack overflows, which no catch can stop.
    private readonly List<string> expanding = new();

    // The layer being inferred, for an overflow's message.
    private string current = string.Empty;

    // How many block expansions deep inference is: errors inside one belong to the use, not the block's own attributes.
    private int blockDepth;

    private Inference(ModelSpec spec)
    {
        foreach (var block in spec.Blocks)
        {
            if (!blocks.ContainsKey(block.Name))
            {
                blocks.Add(block.Name, block);
            }
        }
    }

    public static ShapeResult Run(ModelSpec spec)
    {
        var inference = new Inference(spec);
        try
        {
            var x = InputShape(spec.Input);
            var index = 0;
            var roots = new List<ResolvedNode>();
            var env = new Dictionary<string, long>();
            foreach (var layer in spec.Layers)
            {
                x = inference.RunLayer(string.Empty, layer, x, env, ref index, roots);
            }

            var cost = roots.Aggregate(CostTotals.Zero, (total, node) => total.Plus(node.Cost));
            return new ShapeResult(inference.rows.ToEquatableArray(), x, null) { Roots = roots.ToEquatableArray(), Total = cost };
        }
        catch (ShapeException failed)
        {
            return new ShapeResult(inference.rows.ToEquatableArray(), null, failed.Error);
        }
        catch (OverflowException)
        {
            // Only the model total is left: every layer's own figures fit.
            return new ShapeResult(inference.rows.ToEquatableArray(), null, Cost.Overflow(string.Empty, CostTotals.Zero));
        }
    }

    private static Shape InputShape(InputSpec input)
    {
        var rank = input.Kind switch
        {
            InputKind.Image => 3,
            InputKind.Tokens or InputKind.Vector => 1,
            _ => 2,
        };
        if (input.Dims.Count != rank || input.Dims.Any(d => d <= 0))
        {
            throw new ShapeException(new ShapeError(ShapeErrorKind.InvalidInput, string.Empty, null, Invariant($"{rank} positive dimensions for {input.Kind}"), input.Dims.ToString()));
        }

        if ((input.Kind == InputKind.Tokens) != (input.Vocabulary > 0))
        {
            throw new ShapeException(new ShapeError(ShapeErrorKind.InvalidInput, string.Empty, "Vocabulary", "a positive vocabulary exactly for token inputs", Invariant($"{input.Kind} with vocabulary {input.Vocabulary}")));
        }

        return new Shape(input.Dims, input.Vocabulary);
    }

    private Shape RunSequence(string scope, EquatableArray<LayerSpec> layers, Shape x, IReadOnlyDictionary<string, long> env, ref int index, List<ResolvedNode> into)
    {
        foreach (var layer in layers)
        {
            x = RunLayer(scope, layer, x, env, ref index, into);
        }

        return x;
    }

    // Runs one node and appends what it resolves to: one node, or an unnamed stage's blocks, which join their parent.
    // An error is reported on the innermost attribute of the model's own declaration that holds it: a layer (also inside a
    // member's nn.Sequential), or the [Block]/[Stage] use whose arguments made the failing expansion — never an attribute
    // inside a block class, which is right for other arguments.
    private Shape RunLayer(string scope, LayerSpec layer, Shape x, IReadOnlyDictionary<string, long> env, ref int index, List<ResolvedNode> into)
    {
        if (blockDepth > 0 || layer.Location is not { } location)
        {
            return RunNode(scope, layer, x, env, ref index, into);
        }

        try
        {
            return RunNode(scope, layer, x, env, ref index, into);
        }
        catch (ShapeException failed) when (failed.Error.Location is null)
        {
            throw new ShapeException(failed.Error with { Location = location });
        }
        catch (OverflowException)
        {
            throw new ShapeException(Cost.Overflow(current, null) with { Location = location });
        }
    }

    private Shape RunNode(string scope, LayerSpec layer, Shape x, IReadOnlyDictionary<string, long> env, ref int index, List<ResolvedNode> into)
    {
        switch (layer.Kind)
        {
            case LayerKind.Residual:
                // Transparent for naming: torchvision's blocks hold conv1, bn1 … directly, not under a "branch".
                return RunResidual(scope, layer, x, env, ref index, into);
            case LayerKind.Stage:
                return RunStage(scope, layer, x, env, ref index, into);
            case LayerKind.Sequential:
            {
                var name = ChildName(layer, ref index);
                var path = Join(scope, name);
                var inner = 0;
                var children = new List<ResolvedNode>();
                var y = RunSequence(path, layer.Children, x, env, ref inner, children);
                into.Add(Node(name, path, LayerKind.Sequential, layer, x, y, children));
                return y;
            }

            case LayerKind.Block:
            {
                var name = ChildName(layer, ref index);
                var path = Join(scope, name);
                var args = Resolve(path, layer, env, allowExtra: true);
                var block = FindBlock(path, args.First(a => a.Name == "block").Text!);
                var node = RunBlock(name, path, block, layer.Args.Where(a => a.Name != "block"), x, env, firstOfStage: true) with { Location = layer.Location };
                into.Add(node);
                return node.Output;
            }

            case LayerKind.ResidualAdd:
                throw new ShapeException(new ShapeError(ShapeErrorKind.InvalidArgument, Join(scope, layer.Name ?? "?"), null, "a declared layer kind", "ResidualAdd, which only shape inference creates"));
            default:
            {
                var name = ChildName(layer, ref index);
                var row = RunPrimitive(Join(scope, name), layer, x, env);
                into.Add(Leaf(name, row) with { Location = layer.Location });
                return row.Output;
            }
        }
    }

    private static ResolvedNode Leaf(string name, LayerShape row) =>
        new(name, row.Path, row.Kind, row.Input, row.Output, CostTotals.Of(Cost.OfLayer(row)), EquatableArray<ResolvedNode>.Empty) { Layer = row };

    private static ResolvedNode Node(string name, string path, LayerKind kind, LayerSpec? layer, Shape input, Shape output, List<ResolvedNode> children) =>
        new(name, path, kind, input, output, children.Aggregate(CostTotals.Zero, (total, child) => total.Plus(child.Cost)), children.ToEquatableArray()) { Location = layer?.Location };

    private LayerShape RunPrimitive(string path, LayerSpec layer, Shape x, IReadOnlyDictionary<string, long> env)
    {
        current = path;
        if (layer.Kind == LayerKind.Custom)
        {
            env = CustomScope(env, x);
        }

        var args = Resolve(path, layer, env, allowExtra: false);
        if (layer.Kind == LayerKind.Custom)
        {
            ResolveCustom(path, args, env);
        }

        var context = new LayerContext(path, layer.Kind, args, x);
        var (output, tensors) = ShapeRules.Apply(context, FindEarlier);
        foreach (var tensor in tensors)
        {
            if (tensorOwners.TryGetValue(tensor.Name, out var owner))
            {
                throw new ShapeException(new ShapeError(ShapeErrorKind.DuplicateName, path, null, "a state-dict name no other layer uses", Invariant($"'{tensor.Name}', already registered by {owner}")));
            }

            tensorOwners.Add(tensor.Name, path);
        }

        var row = new LayerShape(path, layer.Kind, x, output, context.Args.ToEquatableArray(), tensors.ToEquatableArray());
        rows.Add(row);
        return row;
    }

    // A custom layer's expressions see its input's dimensions (in0, in1 …) next to the enclosing block's names.
    private static Dictionary<string, long> CustomScope(IReadOnlyDictionary<string, long> env, Shape x)
    {
        var scope = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pair in env)
        {
            scope[pair.Key] = pair.Value;
        }

        for (var i = 0; i < x.Rank; i++)
        {
            scope[CustomLayer.InputName(i)] = x.Dims[i];
        }

        return scope;
    }

    // The constructor arguments (arg0 …) and the declared output dimensions (out0 …) of a custom layer, evaluated.
    private static void ResolveCustom(string path, List<ResolvedArg> args, IReadOnlyDictionary<string, long> env)
    {
        var arguments = CustomLayer.Items(args.First(a => a.Name == "arguments").Text);
        for (var i = 0; i < arguments.Count; i++)
        {
            var name = "arg" + i.ToString(CultureInfo.InvariantCulture);
            var item = arguments[i];
            var text = item.Length >= 2 ? item.Substring(2) : string.Empty;
            args.Add(item.StartsWith("i:", StringComparison.Ordinal)
                ? new ResolvedArg(name, Evaluate(path, name, text, env))
                : new ResolvedArg(name, item.StartsWith("b:", StringComparison.Ordinal) && text == "true" ? 1 : 0, text));
        }

        var output = CustomLayer.Items(args.First(a => a.Name == "output").Text);
        for (var i = 0; i < output.Count; i++)
        {
            var name = "out" + i.ToString(CultureInfo.InvariantCulture);
            args.Add(new ResolvedArg(name, Evaluate(path, name, output[i], env)));
        }
    }

    private Shape RunResidual(string scope, LayerSpec layer, Shape x, IReadOnlyDictionary<string, long> env, ref int index, List<ResolvedNode> into)
    {
        var args = Resolve(scope, layer, env, allowExtra: false);
        var mode = args.First(a => a.Name == "shortcut").Text;
        var combine = args.First(a => a.Name == "combine").Text;
        var declared = (int)args.First(a => a.Name == "shortcut_members").Value;
        if (declared < 0 || declared >= layer.Children.Count)
        {
            throw new ShapeException(new ShapeError(ShapeErrorKind.InvalidArgument, scope, "shortcut_members", Invariant($"fewer shortcut members than the residual's {layer.Children.Count}"), declared.ToString(CultureInfo.InvariantCulture)));
        }

        if (combine == "concat" || declared > 0 || mode == "split")
        {
            return RunConcat(scope, layer, mode, combine, declared, x, env, ref index, into);
        }

        var branchStart = rows.Count;
        var branch = new List<ResolvedNode>();
        var y = RunSequence(scope, layer.Children, x, env, ref index, branch);
        var addPath = Join(scope, layer.Name ?? NextAddName(scope));
        ResolvedNode? projection = null;
        var lastBranchLayer = rows.Count > branchStart ? rows[rows.Count - 1].Path : "an empty branch";
        if (combine == "multiply")
        {
            return RunGate(scope, layer, mode, x, y, lastBranchLayer, branch, into);
        }

        if (combine != "add")
        {
            throw new ShapeException(new ShapeError(ShapeErrorKind.InvalidArgument, addPath, "combine", "\"add\", \"multiply\" or \"concat\"", "\"" + combine + "\""));
        }

        var same = x.Dims == y.Dims;
        switch (mode)
        {
            case "identity":
                if (!same)
                {
                    throw Mismatch(addPath, x, y, lastBranchLayer, "an identity shortcut");
                }

                break;
            case "if-same":
                if (!same)
                {
                    // MobileNetV2: no residual where the block changes shape.
                    into.Add(Node(string.Empty, scope, LayerKind.Residual, layer, x, y, branch));
                    return y;
                }

                break;
            case "projection":
                if (!same)
                {
                    projection = AddProjection(scope, args.First(a => a.Name == "shortcut_name").Text!, addPath, x, y, lastBranchLayer);
                }

                break;
            default:
                throw new ShapeException(new ShapeError(ShapeErrorKind.InvalidArgument, addPath, "shortcut", "\"identity\", \"projection\" or \"if-same\"", "\"" + mode + "\""));
        }

        var add = new LayerShape(addPath, LayerKind.ResidualAdd, y, y, EquatableArray<ResolvedArg>.Empty, EquatableArray<TensorSpec>.Empty);
        rows.Add(add);
        var node = Node(string.Empty, scope, LayerKind.Residual, layer, x, y, branch);
        var cost = node.Cost.Plus(CostTotals.Of(Cost.OfLayer(add)));
        into.Add(node with { Projection = projection, Add = add, Cost = projection is null ? cost : cost.Plus(projection.Cost) });
        return y;
    }

    // A residual whose shortcut is not the input as it is: a declared shortcut path (the first shortcut_members children,
    // run on the input beside the branch: ShuffleNetV2's branch1), or the first half of the input's channels (split:
    // ShuffleNetV2's chunk, the branch reading the second half); joined by a concatenation along the channels (shortcut
    // first, as torch.cat((x1, branch2(x2)), 1) and DenseNet's torch.cat([x, new_features], 1)) or, for a declared path,
    // by an addition. The join is named cat, cat_1 … (add, add_1 …) in its scope.
    private Shape RunConcat(string scope, LayerSpec layer, string? mode, string? combine, int declared, Shape x, IReadOnlyDictionary<string, long> env, ref int index, List<ResolvedNode> into)
    {
        var path = Join(scope, layer.Name ?? NextName(scope, combine == "concat" ? "cat" : "add"));
        if (combine is not ("concat" or "add"))
        {
            throw new ShapeException(new ShapeError(ShapeErrorKind.InvalidArgument, path, "combine", "\"concat\" or \"add\" with a split or declared shortcut", "\"" + combine + "\""));
        }

        if (mode is not ("identity" or "split") || (mode == "split" && (declared > 0 || combine != "concat")))
        {
            throw new ShapeException(new ShapeError(ShapeErrorKind.InvalidArgument, path, "shortcut", "Shortcut.Identity, or Shortcut.Split with a concatenation and no declared shortcut path", "\"" + mode + "\""));
        }

        var children = new List<ResolvedNode>();
        var shortcut = x;
        var branchInput = x;
        if (mode == "split")
        {
            if (x.Rank != 3 || x.Dims[0] % 2 != 0)
            {
                throw new ShapeException(new ShapeError(ShapeErrorKind.ResidualMismatch, path, null, "an image [C, H, W] with an even channel count to split in two", x.ToString()));
            }

            shortcut = new Shape(new[] { x.Dims[0] / 2, x.Dims[1], x.Dims[2] });
            branchInput = shortcut;
        }

        var start = rows.Count;
        for (var i = 0; i < declared; i++)
        {
            shortcut = RunLayer(scope, layer.Children[i], shortcut, env, ref index, children);
        }

        var lastShortcutLayer = rows.Count > start ? rows[rows.Count - 1].Path : "the input";
        var branchStart = rows.Count;
        var y = branchInput;
        for (var i = declared; i < layer.Children.Count; i++)
        {
            y = RunLayer(scope, layer.Children[i], y, env, ref index, children);
        }

        var lastBranchLayer = rows.Count > branchStart ? rows[rows.Count - 1].Path : "an empty branch";
        Shape output;
        if (combine == "add")
        {
            if (shortcut.Dims != y.Dims)
            {
                throw new ShapeException(new ShapeError(ShapeErrorKind.ResidualMismatch, path, null, "the branch to keep the declared shortcut's shape " + shortcut + " (from " + lastShortcutLayer + ")", y + " from " + lastBranchLayer));
            }

            output = y;
        }
        else
        {
            var joins = shortcut.Rank == 3 && y.Rank == 3 && shortcut.Dims[1] == y.Dims[1] && shortcut.Dims[2] == y.Dims[2];
            if (!joins)
            {
                throw new ShapeException(new ShapeError(ShapeErrorKind.ResidualMismatch, path, null, "images of the shortcut's height and width " + shortcut + " (from " + lastShortcutLayer + ") to concatenate along the channels", y + " from " + lastBranchLayer));
            }

            output = new Shape(new[] { checked(shortcut.Dims[0] + y.Dims[0]), y.Dims[1], y.Dims[2] });
        }

        var join = new LayerShape(path, combine == "concat" ? LayerKind.ResidualConcat : LayerKind.ResidualAdd, y, output, EquatableArray<ResolvedArg>.Empty, EquatableArray<TensorSpec>.Empty);
        rows.Add(join);
        var node = Node(string.Empty, scope, LayerKind.Residual, layer, x, output, children);
        into.Add(node with { Add = join, ShortcutMembers = declared, SplitsInput = mode == "split", Cost = node.Cost.Plus(CostTotals.Of(Cost.OfLayer(join))) });
        return output;
    }

    // A multiplying residual (a squeeze-excitation gate): the input times the branch's output, which must broadcast over
    // it ([C, 1, 1] over [C, H, W]); the product has the input's shape. Named mul, mul_1 … in its scope.
    private Shape RunGate(string scope, LayerSpec layer, string? mode, Shape x, Shape y, string lastBranchLayer, List<ResolvedNode> branch, List<ResolvedNode> into)
    {
        var path = Join(scope, layer.Name ?? NextName(scope, "mul"));
        if (mode != "identity")
        {
            throw new ShapeException(new ShapeError(ShapeErrorKind.InvalidArgument, path, "shortcut", "Shortcut.Identity for a multiplying residual (the input is scaled, not projected)", "\"" + mode + "\""));
        }

        var broadcasts = y.Rank == x.Rank && Enumerable.Range(0, x.Rank).All(i => y.Dims[i] == x.Dims[i] || y.Dims[i] == 1);
        if (!broadcasts)
        {
            throw new ShapeException(new ShapeError(ShapeErrorKind.ResidualMismatch, path, null, "the gate to broadcast over the input's shape " + x + " (each size equal or 1)", y + " from " + lastBranchLayer));
        }

        var product = new LayerShape(path, LayerKind.ResidualMultiply, y, x, EquatableArray<ResolvedArg>.Empty, EquatableArray<TensorSpec>.Empty);
        rows.Add(product);
        var node = Node(string.Empty, scope, LayerKind.Residual, layer, x, x, branch);
        into.Add(node with { Add = product, Cost = node.Cost.Plus(CostTotals.Of(Cost.OfLayer(product))) });
        return x;
    }

    // torchvision's downsample: conv1x1(in, out, stride) without bias, then BatchNorm2d, named <name>.0 and <name>.1.
    private ResolvedNode AddProjection(string scope, string name, string addPath, Shape x, Shape y, string lastBranchLayer)
    {
        if (x.Rank != 3 || y.Rank != 3)
        {
            throw Mismatch(addPath, x, y, lastBranchLayer, "a projection shortcut (defined for images [C, H, W] only)");
        }

        var stride = (x.Dims[1] + y.Dims[1] - 1) / y.Dims[1];
        var h = ((x.Dims[1] - 1) / stride) + 1;
        var w = ((x.Dims[2] - 1) / stride) + 1;
        if (h != y.Dims[1] || w != y.Dims[2])
        {
            throw Mismatch(addPath, x, y, lastBranchLayer, "a projection shortcut (a 1x1 convolution with one integer stride)");
        }

        var prefix = Join(scope, name);
        var conv = new LayerSpec("0", LayerKind.Conv2d, Arg.Of("out", y.Dims[0]), Arg.Of("kernel", 1), Arg.Of("stride", stride), Arg.Of("bias", false));
        var projected = RunPrimitive(Join(prefix, "0"), conv, x, new Dictionary<string, long>());
        var norm = RunPrimitive(Join(prefix, "1"), new LayerSpec("1", LayerKind.BatchNorm2d), projected.Output, new Dictionary<string, long>());
        return Node(name, prefix, LayerKind.Sequential, null, x, norm.Output, new List<ResolvedNode> { Leaf("0", projected), Leaf("1", norm) });
    }

    private Shape RunStage(string scope, LayerSpec layer, Shape x, IReadOnlyDictionary<string, long> env, ref int index, List<ResolvedNode> into)
    {
        var named = layer.Name is not null;
        var stageName = named ? ChildName(layer, ref index) : string.Empty;
        var stagePath = named ? Join(scope, stageName) : scope;
        var stageInput = x;

        // An unnamed stage's argument errors point at the position its first block takes.
        var argPath = named ? stagePath : Join(scope, index.ToString(CultureInfo.InvariantCulture));
        var args = Resolve(argPath, layer, env, allowExtra: true);
        var block = FindBlock(argPath, args.First(a => a.Name == "block").Text!);
        var count = (int)args.First(a => a.Name == "blocks").Value;
        if (count <= 0)
        {
            throw new ShapeException(new ShapeError(ShapeErrorKind.InvalidArgument, argPath, "blocks", "a positive number of blocks", count.ToString(CultureInfo.InvariantCulture)));
        }

        var pattern = args.First(a => a.Name == "item").Text!;
        var parameters = layer.Args.Where(a => a.Name is not "block" and not "blocks" and not "item").ToList();
        var blocksRun = new List<ResolvedNode>();
        for (var i = 0; i < count; i++)
        {
            // An unnamed stage continues its parent's numbering (MobileNetV2's flat features.N).
            var number = named ? i : index++;
            // {i+1} counts from 1, as torchvision's DenseNet names its layers (denselayer1 …).
            var name = pattern.Replace("{i+1}", (number + 1).ToString(CultureInfo.InvariantCulture)).Replace("{i}", number.ToString(CultureInfo.InvariantCulture));
            var node = RunBlock(name, Join(stagePath, name), block, parameters, x, env, firstOfStage: i == 0) with { Location = layer.Location };
            blocksRun.Add(node);
            x = node.Output;
        }

        if (named)
        {
            into.Add(Node(stageName, stagePath, LayerKind.Stage, layer, stageInput, x, blocksRun));
        }
        else
        {
            into.AddRange(blocksRun);
        }

        return x;
    }

    private ResolvedNode RunBlock(string name, string path, BlockSpec block, IEnumerable<Arg> callArgs, Shape x, IReadOnlyDictionary<string, long> callerEnv, bool firstOfStage)
    {
        if (expanding.Contains(block.Name))
        {
            var cycle = string.Join(" -> ", expanding.SkipWhile(b => b != block.Name).Append(block.Name));
            throw new ShapeException(new ShapeError(ShapeErrorKind.InvalidArgument, path, "block", "a block that does not use itself", cycle));
        }

        expanding.Add(block.Name);
        blockDepth++;
        try
        {
            var children = new List<ResolvedNode>();
            var y = ExpandBlock(path, block, callArgs, x, callerEnv, firstOfStage, children, out var arguments);
            return Node(name, path, LayerKind.Block, null, x, y, children) with { Block = block.Name, BlockArguments = arguments };
        }
        finally
        {
            expanding.RemoveAt(expanding.Count - 1);
            blockDepth--;
        }
    }

    private Shape ExpandBlock(string path, BlockSpec block, IEnumerable<Arg> callArgs, Shape x, IReadOnlyDictionary<string, long> callerEnv, bool firstOfStage, List<ResolvedNode> into, out EquatableArray<ResolvedArg> arguments)
    {
        var declared = new HashSet<string>(block.Parameters.Select(p => p.Name), StringComparer.Ordinal);
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var arg in callArgs)
        {
            if (!declared.Contains(arg.Name))
            {
                throw new ShapeException(new ShapeError(ShapeErrorKind.UnknownArgument, path, arg.Name, "a parameter of block " + block.Name + " (" + string.Join(", ", declared) + ")", "'" + arg.Name + "'"));
            }

            given[arg.Name] = arg.Value;
        }

        // in_channels is in scope for defaults too (e.g. out_channels = "in_channels"); a parameter of that name wins.
        var env = new Dictionary<string, long>(StringComparer.Ordinal) { ["in_channels"] = x.Rank == 2 ? x.Last : x.Dims[0] };
        foreach (var parameter in block.Parameters)
        {
            string text;
            IReadOnlyDictionary<string, long> scope;
            if (!firstOfStage && parameter.Name == "stride")
            {
                // torchvision's _make_layer: only the first block of a stage strides.
                text = "1";
                scope = env;
            }
            else if (given.TryGetValue(parameter.Name, out var value))
            {
                text = value;
                scope = callerEnv;
            }
            else if (parameter.Default is not null)
            {
                text = parameter.Default;
                scope = env;
            }
            else
            {
                throw new ShapeException(new ShapeError(ShapeErrorKind.MissingArgument, path, parameter.Name, "a value for parameter '" + parameter.Name + "' of block " + block.Name, "none"));
            }

            env[parameter.Name] = Evaluate(path, parameter.Name, text, scope);
        }

        arguments = new[] { new ResolvedArg("in_channels", env["in_channels"]) }
            .Concat(block.Parameters.Where(p => p.Name != "in_channels").Select(p => new ResolvedArg(p.Name, env[p.Name])))
            .ToEquatableArray();
        var inner = 0;
        return RunSequence(path, block.Layers, x, env, ref inner, into);
    }

    private List<ResolvedArg> Resolve(string path, LayerSpec layer, IReadOnlyDictionary<string, long> env, bool allowExtra)
    {
        var definitions = LayerArguments.For(layer.Kind);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var arg in layer.Args)
        {
            if (!seen.Add(arg.Name))
            {
                throw new ShapeException(new ShapeError(ShapeErrorKind.InvalidArgument, path, arg.Name, "each argument once", "'" + arg.Name + "' given twice"));
            }

            if (!allowExtra && !definitions.Any(d => d.Name == arg.Name))
            {
                var known = definitions.Count == 0 ? "no arguments" : "one of " + string.Join(", ", definitions.Where(d => !d.Internal).Select(d => d.Name));
                throw new ShapeException(new ShapeError(ShapeErrorKind.UnknownArgument, path, arg.Name, known + " for " + layer.Kind, "'" + arg.Name + "'"));
            }
        }

        var resolved = new List<ResolvedArg>();
        foreach (var definition in definitions)
        {
            var text = layer.GetArg(definition.Name) ?? definition.Default
                ?? throw new ShapeException(new ShapeError(ShapeErrorKind.MissingArgument, path, definition.Name, "a value for '" + definition.Name + "' of " + layer.Kind, "none"));
            resolved.Add(definition.Type switch
            {
                ArgumentType.Int => new ResolvedArg(definition.Name, Evaluate(path, definition.Name, text, env)),
                ArgumentType.Bool => new ResolvedArg(definition.Name, ParseBool(path, definition.Name, text) ? 1 : 0),
                ArgumentType.Real => new ResolvedArg(definition.Name, 0, ParseReal(path, definition.Name, text)),
                _ => new ResolvedArg(definition.Name, 0, text.Trim()),
            });
        }

        return resolved;
    }

    private static long Evaluate(string path, string argument, string text, IReadOnlyDictionary<string, long> env)
    {
        var result = Expression.Evaluate(text, env);
        if (result.Error is { } error)
        {
            throw new ShapeException(new ShapeError(ShapeErrorKind.Expression, path, argument, "an integer", "\"" + text + "\": " + error.Message, error));
        }

        return result.Value;
    }

    private static bool ParseBool(string path, string argument, string text) =>
        ArgumentText.TryBool(text, out var value)
            ? value
            : throw new ShapeException(new ShapeError(ShapeErrorKind.InvalidArgument, path, argument, "true or false", "\"" + text + "\""));

    private static string ParseReal(string path, string argument, string text) =>
        ArgumentText.TryReal(text, out var value)
            ? value
            : throw new ShapeException(new ShapeError(ShapeErrorKind.InvalidArgument, path, argument, "a number (invariant culture, e.g. 0.1)", "\"" + text + "\""));

    private BlockSpec FindBlock(string path, string name)
    {
        if (blocks.TryGetValue(name, out var block))
        {
            return block;
        }

        var known = blocks.Count == 0 ? "no blocks are declared" : "declared: " + string.Join(", ", blocks.Keys);
        throw new ShapeException(new ShapeError(ShapeErrorKind.UnknownBlock, path, "block", "a declared block (" + known + ")", "'" + name + "'"));
    }

    private LayerShape? FindEarlier(string path) => rows.LastOrDefault(r => r.Path == path);

    private string NextAddName(string scope) => NextName(scope, "add");

    // add, add_1 … (or mul, mul_1 …) in one scope, as PyTorch's graph tracing names repeated operations.
    private string NextName(string scope, string op)
    {
        var key = scope + "\n" + op;
        addCounts.TryGetValue(key, out var n);
        addCounts[key] = n + 1;
        return n == 0 ? op : op + "_" + n.ToString(CultureInfo.InvariantCulture);
    }

    private static ShapeException Mismatch(string addPath, Shape x, Shape y, string lastBranchLayer, string what) =>
        new(new ShapeError(ShapeErrorKind.ResidualMismatch, addPath, null, "the branch to keep the shortcut's shape " + x + " for " + what, y + " from " + lastBranchLayer));

    private static string ChildName(LayerSpec layer, ref int index)
    {
        // Every child takes a position, named or not, as modules registered in an nn.Sequential do.
        var name = layer.Name ?? index.ToString(CultureInfo.InvariantCulture);
        index++;
        return name;
    }

    private static string Join(string scope, string name) => scope.Length == 0 ? name : scope + "." + name;

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
