using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ModelDsl.Spec;

namespace ModelDsl.Generators;

// The constructor a block gets from its parameters, as torchvision's blocks build themselves
// (BasicBlock(inplanes, planes, stride, downsample)): every member's TorchSharp call with its sizes written as C#
// over the block's parameters and its input channels, found by carrying the channel count through the members
// symbolically. Only the few rules that decide a constructor's sizes are mirrored here (a convolution's in/out/groups, a
// Linear's in, a pool's stride, a norm's features); where a size cannot be written so, the block keeps only the
// constructor that takes its layers. A model calls this one for a use only where it builds exactly the modules the use
// needs: the template, evaluated with the use's values, must give the same constructor text as the use's own rows.
internal sealed class BlockConstructor
{
    // Stand-ins for the symbolic sizes while LayerFactory writes a template (far outside any real size), replaced by
    // their C# afterwards; a stand-in that LayerFactory changed (rather than printed) is left over and rejects the template.
    private const long Sentinel = 1_987_654_000;
    private static readonly Regex SentinelToken = new("\\b1987654[0-9]{3}\\b", RegexOptions.CultureInvariant);

    private readonly BlockTarget block;
    private readonly List<Parameter> parameters;
    private readonly List<Node> members;
    private readonly List<Shortcut?> shortcuts;

    private BlockConstructor(BlockTarget block, List<Parameter> parameters, List<Node> members, List<Shortcut?> shortcuts, string? output)
    {
        this.block = block;
        this.parameters = parameters;
        this.members = members;
        this.shortcuts = shortcuts;
        Output = output;
    }

    // The channels of the block's output, over its own names (in_channels and its parameters); null where unknown.
    private string? Output { get; }

    /// <summary>The block's parameter constructor, or null where a size of a member cannot be written over its parameters.</summary>
    /// <param name="block">The block.</param>
    /// <param name="blocks">The blocks it may use, by spec name (a block inside a block calls that block's constructor).</param>
    public static BlockConstructor? Of(BlockTarget block, Func<string, BlockTarget?> blocks) => Of(block, blocks, new HashSet<string>(StringComparer.Ordinal));

    private static BlockConstructor? Of(BlockTarget block, Func<string, BlockTarget?> blocks, HashSet<string> visiting)
    {
        if (!visiting.Add(block.Spec.Name))
        {
            return null;
        }

        var context = new Context(blocks, visiting);
        var names = new HashSet<string>(block.Spec.Parameters.Select(p => p.Name), StringComparer.Ordinal) { "in_channels" };
        var parameters = new List<Parameter> { new("in_channels", null) };
        parameters.AddRange(block.Spec.Parameters.Where(p => p.Name != "in_channels").Select(p => new Parameter(p.Name, p.Default)));
        var members = new List<Node>();
        var shortcuts = new List<Shortcut?>();
        string? channels = "in_channels";
        var starts = new Dictionary<int, string?>();

        var layout = new Layout();
        var lastAt = new Dictionary<int, bool>();

        // What a concatenating residual joins beside its branch: half the input (a split) or a declared path's output.
        var kept = new Dictionary<ResidualTarget, string?>();
        for (var i = 0; i < block.Members.Count; i++)
        {
            foreach (var residual in block.Residuals.Where(r => r.Start == i))
            {
                starts[residual.Start] = channels;
                lastAt[residual.Start] = layout.ChannelsLast;
                if (layout.ChannelsLast && (residual.Shortcut == "split" || residual.Combine == "concat" || residual.ParameterName is not null))
                {
                    // A split, a join or a shortcut decision along the channels of a channels-last map: not written here.
                    return null;
                }

                if (residual.Shortcut == "split")
                {
                    // ShuffleNetV2: the branch reads the second half of the channels, the first half is kept.
                    channels = channels is null ? null : "(" + channels + ") / 2";
                    kept[residual] = channels;
                }
            }

            foreach (var residual in block.Residuals.Where(r => r.HasShortcutPath && r.BranchStart == i))
            {
                // The declared path has run; the branch reads the residual's input again (in its layout).
                if (layout.ChannelsLast != lastAt[residual.Start])
                {
                    return null;
                }

                kept[residual] = channels;
                channels = starts[residual.Start];
            }

            // As Construction decides it: a member that reads a kept tensor or half of one never works in place.
            var fresh = i > 0 && !block.Residuals.Any(r => r.Start == i || r.BranchStart == i);
            var previous = i > 0 ? members[i - 1].Kind : (LayerKind?)null;
            // A bare parameter layer is built as its module (ParameterLayer attaches it); only layer scale is sized by channels.
            if (block.Members[i].IsParameter && block.Members[i].Layer.Kind != LayerKind.LayerScale || Template(block.Members[i].Layer, channels, names, fresh, previous, context, layout) is not { } member ||
                Symbolic(member) is null)
            {
                return null;
            }

            members.Add(member);
            channels = member.Output;
            foreach (var residual in block.Residuals.Where(r => r.End == i + 1))
            {
                if (layout.ChannelsLast != lastAt[residual.Start])
                {
                    // A branch that changes the layout joins nothing the sizes here describe.
                    return null;
                }

                if (residual.Combine == "concat")
                {
                    // The join's channels: what is kept (the input, half of it, or the declared path's output) plus the branch's.
                    var joined = kept.TryGetValue(residual, out var beside) ? beside : starts[residual.Start];
                    channels = joined is null || channels is null ? null : "(" + joined + ") + (" + channels + ")";
                }

                if (residual.ParameterName is null)
                {
                    shortcuts.Add(null);
                    continue;
                }

                // What varies per use is decided from the sizes, as torchvision's blocks decide it: a projection (or, for
                // if-same, no addition) exactly where the branch strides or changes the channel count.
                var stride = Product(block.Members.Skip(residual.Start).Take(residual.End - residual.Start).Select(m => m.Layer), names, context, starts[residual.Start]);
                if (stride is null || starts[residual.Start] is not { } input || channels is null)
                {
                    return null;
                }

                Node? projection = null;
                if (residual.Shortcut == "projection")
                {
                    // torchvision's downsample: a 1×1 convolution with the branch's stride, then a BatchNorm2d.
                    var conv = new LayerSpec("0", LayerKind.Conv2d, Arg.Of("out", channels), Arg.Of("kernel", 1), Arg.Of("stride", stride), Arg.Of("bias", false));
                    projection = Template(LayerSpec.Sequential(residual.ProjectionName, conv, new LayerSpec("1", LayerKind.BatchNorm2d)), input, names, false, null, context, new Layout());
                    if (projection is null || Symbolic(projection) is null)
                    {
                        return null;
                    }
                }

                shortcuts.Add(new Shortcut(stride, input, channels, projection));
            }
        }

        visiting.Remove(block.Spec.Name);

        // A block that ends channels-last has no channel count for what follows it (a block using it falls back).
        return new BlockConstructor(block, parameters, members, shortcuts, layout.ChannelsLast ? null : channels);
    }

    /// <summary>Writes the constructor: the block's parameters in, the layer constructor called with what they build.</summary>
    public void Write(SourceWriter writer)
    {
        var signature = new List<string>();
        var optional = true;
        for (var i = parameters.Count - 1; i >= 0; i--)
        {
            // Only a trailing run of literal defaults can be C# defaults; an expression default is written by the caller.
            var literal = parameters[i].Default is { } text && Expression.TryParseLiteral(text, out _);
            optional &= literal;
            signature.Insert(0, "long " + CSharpName(parameters[i].Name) + (optional ? " = " + parameters[i].Default!.Trim() : string.Empty));
        }

        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Builds the block from its parameters, as torchvision's blocks build themselves: each layer's sizes follow from");
        writer.Line("/// <paramref name=\"inChannels\"/> (the channels of the input it will see) and the block's parameters" +
            (shortcuts.Any(s => s is not null) ? ", and so does" : "."));
        if (shortcuts.Any(s => s is not null))
        {
            writer.Line("/// the shortcut (projected or added only where the branch strides or changes the channel count).");
        }

        writer.Line("/// </summary>");
        writer.Line("/// <param name=\"inChannels\">The channels of the block's input.</param>");
        foreach (var parameter in parameters.Skip(1))
        {
            writer.Line("/// <param name=\"" + CSharpName(parameter.Name).TrimStart('@') + "\">The block parameter <c>" + parameter.Name + "</c>.</param>");
        }

        var call = Code.Call(": this");
        for (var i = 0; i < members.Count; i++)
        {
            call.Add(block.Members[i].ParameterName + ": ", Symbolic(members[i])!);
        }

        for (var k = 0; k < shortcuts.Count; k++)
        {
            if (shortcuts[k] is not { } shortcut)
            {
                continue;
            }

            var residual = block.Residuals[k];
            var changes = Changes(shortcut);
            if (residual.Shortcut == "projection")
            {
                // A condition the sizes already decide is written as its outcome (no unreachable branch for the compiler).
                if (changes == "false")
                {
                    call.Add(residual.ParameterName + ": ", Code.Leaf("null"));
                }
                else if (changes == "true")
                {
                    call.Add(residual.ParameterName + ": ", Symbolic(shortcut.Projection!)!);
                }
                else
                {
                    call.Add(residual.ParameterName + ": " + changes + " ? ", Symbolic(shortcut.Projection!)!, " : null");
                }
            }
            else
            {
                call.Add(residual.ParameterName + ": ", Code.Leaf(Keeps(shortcut)));
            }
        }

        writer.Line("public " + Names.Identifier(block.ClassName) + "(" + string.Join(", ", signature) + ")");
        writer.Indent();
        writer.Code(string.Empty, call, string.Empty);
        writer.Outdent();
        writer.Line("{");
        writer.Line("}");
    }

    // C# for "the branch changes the shape": it strides or changes the channel count; "true"/"false" where the sizes decide.
    private static string Changes(Shortcut shortcut)
    {
        var strides = Expression.TryParseLiteral(shortcut.Stride, out var s) ? (s != 1 ? "true" : "false") : CSharp(shortcut.Stride) + " != 1";
        var widens = Expression.TryParseLiteral(shortcut.Input, out var a) && Expression.TryParseLiteral(shortcut.Output, out var b)
            ? (a != b ? "true" : "false")
            : shortcut.Input.Trim() == shortcut.Output.Trim() ? "false" : Operand(shortcut.Input) + " != " + Operand(shortcut.Output);
        return (strides, widens) switch
        {
            ("true", _) or (_, "true") => "true",
            ("false", var w) => w,
            (var t, "false") => t,
            (var t, var w) => t + " || " + w,
        };
    }

    // C# for "the branch keeps the shape" (an if-same shortcut adds): it neither strides nor changes the channel count.
    private static string Keeps(Shortcut shortcut)
    {
        var still = Expression.TryParseLiteral(shortcut.Stride, out var s) ? (s == 1 ? "true" : "false") : CSharp(shortcut.Stride) + " == 1";
        var same = Expression.TryParseLiteral(shortcut.Input, out var a) && Expression.TryParseLiteral(shortcut.Output, out var b)
            ? (a == b ? "true" : "false")
            : shortcut.Input.Trim() == shortcut.Output.Trim() ? "true" : Operand(shortcut.Input) + " == " + Operand(shortcut.Output);
        return (still, same) switch
        {
            ("false", _) or (_, "false") => "false",
            ("true", var w) => w,
            (var t, "true") => t,
            (var t, var w) => t + " && " + w,
        };
    }

    private static string Operand(string expression) => expression.IndexOfAny(new[] { '+', '-', '*' }) >= 0 ? "(" + CSharp(expression) + ")" : CSharp(expression);

    /// <summary>
    /// The call of this constructor for <paramref name="use"/>, or null where it would not build the use's modules:
    /// <paramref name="expected"/> are the members' constructor calls as the use's rows give them, and for each residual
    /// whether the use projects (or, for if-same, adds) and the projection it builds.
    /// </summary>
    public Code? Call(ResolvedNode use, IReadOnlyList<Code> expected, IReadOnlyList<(bool Applies, Code? Projection)> residuals)
    {
        var env = use.BlockArguments.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal);
        if (parameters.Any(p => !env.ContainsKey(p.Name)) || expected.Count != members.Count || residuals.Count != shortcuts.Count)
        {
            return null;
        }

        for (var i = 0; i < members.Count; i++)
        {
            if (Numeric(members[i], env) is not { } code || Flat(code) != Flat(expected[i]))
            {
                return null;
            }
        }

        for (var k = 0; k < shortcuts.Count; k++)
        {
            if (shortcuts[k] is not { } shortcut)
            {
                continue;
            }

            var stride = Expression.Evaluate(shortcut.Stride, env);
            var input = Expression.Evaluate(shortcut.Input, env);
            var output = Expression.Evaluate(shortcut.Output, env);
            if (stride.Error is not null || input.Error is not null || output.Error is not null)
            {
                return null;
            }

            var changes = stride.Value != 1 || input.Value != output.Value;
            var projects = block.Residuals[k].Shortcut == "projection";
            if ((projects ? changes : !changes) != residuals[k].Applies)
            {
                return null;
            }

            if (projects && changes && (residuals[k].Projection is not { } wanted || Numeric(shortcut.Projection!, env) is not { } built || Flat(built) != Flat(wanted)))
            {
                return null;
            }
        }

        // One line, as a hand-written model calls its blocks: new BasicBlock(inChannels: 64, planes: 128, stride: 2).
        return Code.Leaf("new " + block.QualifiedName + "(" +
            string.Join(", ", parameters.Select(p => CSharpName(p.Name) + ": " + env[p.Name].ToString(CultureInfo.InvariantCulture))) + ")");
    }

    /// <summary>A parameter as the constructor names it: <c>in_channels</c> → <c>inChannels</c>.</summary>
    public static string CSharpName(string name)
    {
        var builder = new StringBuilder();
        var upper = false;
        foreach (var c in name)
        {
            if (c == '_')
            {
                upper = builder.Length > 0;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return Names.ToParameterName(builder.ToString());
    }

    // One member (or a Sequential of several) as a template: the spec's arguments resolved as the spec does, each
    // integer a literal or an expression over the names, and the sizes shape rules decide written from the channels in.
    private static Node? Template(LayerSpec layer, string? channels, HashSet<string> names, bool fresh, LayerKind? previous, Context context, Layout layout)
    {
        if (layer.Kind == LayerKind.Block)
        {
            // What the inner block makes is not followed: its output's rank is not known here.
            var inner = layout.ChannelsLast ? null : Nested(layer, channels, names, context);
            layout.Image = false;
            return inner;
        }

        if (layer.Kind == LayerKind.Sequential)
        {
            var children = new List<(string Name, Node Node)>();
            var index = 0;
            LayerKind? before = null;
            foreach (var child in layer.Children)
            {
                var name = child.Name ?? index.ToString(CultureInfo.InvariantCulture);
                index++;
                if (Template(child, channels, names, children.Count > 0, before, context, layout) is not { } node)
                {
                    return null;
                }

                children.Add((name, node));
                channels = node.Output;
                before = node.Kind;
            }

            return new Node(LayerKind.Sequential, new List<TemplateArg>(), null, channels, false, children, null);
        }

        var args = new List<TemplateArg>();
        foreach (var definition in LayerArguments.For(layer.Kind))
        {
            var text = layer.GetArg(definition.Name) ?? definition.Default;
            if (text is null || Resolve(definition, text, names) is not { } arg)
            {
                return null;
            }

            args.Add(arg);
        }

        TemplateArg Get(string name) => args.First(a => a.Name == name);
        void Set(string name, TemplateArg value) => args[args.FindIndex(a => a.Name == name)] = value with { Name = name };
        string? output;
        var readsFirst = layer.Kind is LayerKind.Conv1d or LayerKind.Conv2d or LayerKind.MaxPool2d or LayerKind.AvgPool2d or LayerKind.AdaptiveAvgPool2d or
            LayerKind.BatchNorm1d or LayerKind.BatchNorm2d or LayerKind.GroupNorm or LayerKind.LayerNorm2d or LayerKind.ChannelShuffle or LayerKind.Flatten;
        if (layout.ChannelsLast && readsFirst)
        {
            return null;
        }

        // What an image-only layer before this one proves: the tensor is [C, H, W] from here (until it is flattened).
        var image = layout.Image;
        layout.Image = layer.Kind switch
        {
            LayerKind.Conv2d or LayerKind.BatchNorm2d or LayerKind.MaxPool2d or LayerKind.AvgPool2d or LayerKind.AdaptiveAvgPool2d or
                LayerKind.LayerNorm2d or LayerKind.ChannelShuffle or LayerKind.Permute => true,
            LayerKind.Flatten or LayerKind.Conv1d or LayerKind.BatchNorm1d => false,
            _ => layout.Image,
        };

        switch (layer.Kind)
        {
            case LayerKind.Permute when Get("dim2").Value != -1 && args.Take(3).All(a => a.Expression is null):
            {
                // Only the two moves of an image's channels: (1, 2, 0) to channels-last, (2, 0, 1) back.
                var order = (Get("dim0").Value, Get("dim1").Value, Get("dim2").Value);
                if (order == (1, 2, 0) && !layout.ChannelsLast && image)
                {
                    layout.ChannelsLast = true;
                }
                else if (order == (2, 0, 1) && layout.ChannelsLast)
                {
                    layout.ChannelsLast = false;
                }
                else
                {
                    return null;
                }

                output = channels;
                break;
            }

            case LayerKind.PatchMerging when layout.ChannelsLast && channels is not null:
                output = "2 * (" + channels + ")";
                break;
            case LayerKind.ShiftedWindowAttentionV2 when layout.ChannelsLast && channels is not null:
            case LayerKind.ChannelShuffle or LayerKind.LayerNorm2d when channels is not null:
                output = channels;
                break;
            case LayerKind.LayerScale when channels is not null && image && !layout.ChannelsLast:
                // ConvNeXt's layer_scale on an image: [C, 1, 1].
                output = channels;
                return new Node(layer.Kind, args, channels, output, false, new List<(string, Node)>(), null, Image: true);
            case LayerKind.Conv1d or LayerKind.Conv2d when channels is not null:
            {
                var depthwise = Get("depthwise").Value != 0;
                var channel = TemplateArg.Of(channels);
                Set("in", channel);
                if (depthwise)
                {
                    Set("groups", channel);
                    if (Get("out") is { Expression: null, Value: 0 })
                    {
                        Set("out", channel);
                    }
                }

                output = Get("out") switch { { Expression: { } e } => e, var literal => literal.Value.ToString(CultureInfo.InvariantCulture) };
                break;
            }

            case LayerKind.Linear when channels is not null:
                Set("in", TemplateArg.Of(channels));
                output = Get("out") switch { { Expression: { } e } => e, var literal => literal.Value.ToString(CultureInfo.InvariantCulture) };
                break;
            case LayerKind.MaxPool2d or LayerKind.AvgPool2d:
                if (Get("stride") is { Expression: null, Value: 0 })
                {
                    Set("stride", Get("kernel"));
                }

                output = channels;
                break;
            case LayerKind.BatchNorm1d or LayerKind.BatchNorm2d or LayerKind.LayerNorm or LayerKind.GroupNorm or LayerKind.RMSNorm or
                LayerKind.MultiheadAttention when channels is not null:
                output = channels;
                break;
            case LayerKind.ReLU or LayerKind.ReLU6 or LayerKind.GELU or LayerKind.SiLU or LayerKind.Sigmoid or LayerKind.Tanh or
                LayerKind.Hardswish or LayerKind.Hardsigmoid or LayerKind.Dropout or LayerKind.AdaptiveAvgPool2d or
                LayerKind.Softmax or LayerKind.LogSoftmax:
                output = channels;
                break;
            case LayerKind.Flatten:
                output = null;
                break;
            default:
                return null;
        }

        var inPlace = fresh && previous is LayerKind.Conv1d or LayerKind.Conv2d or LayerKind.Linear or
            LayerKind.BatchNorm1d or LayerKind.BatchNorm2d or LayerKind.LayerNorm or LayerKind.GroupNorm;
        return new Node(layer.Kind, args, channels, output, inPlace, new List<(string, Node)>(), null);
    }

    // A block inside the block: its own constructor, with its parameters written over the outer block's names — as the use
    // gives them, or by the inner block's defaults with its names replaced by theirs — and its output channels likewise.
    private static Node? Nested(LayerSpec use, string? channels, HashSet<string> names, Context context)
    {
        if (channels is null || use.GetArg("block") is not { } name || context.Blocks(name) is not { } inner ||
            Of(inner, context.Blocks, context.Visiting) is not { } constructor)
        {
            return null;
        }

        if (Arguments(use, inner, channels, names) is not { } values)
        {
            return null;
        }

        var args = values.Select(v => new TemplateArg(v.Key, 0, null, v.Value)).ToList();
        var output = constructor.Output is { } o ? Substitute(o, values) : null;
        return new Node(LayerKind.Block, args, channels, output, false, new List<(string, Node)>(), inner.QualifiedName);
    }

    // A use's values of the inner block's names (in_channels first, then its parameters in order) over the outer block's
    // names: as the use gives them, or the inner block's defaults with its names replaced; null where one is out of scope.
    private static Dictionary<string, string>? Arguments(LayerSpec use, BlockTarget inner, string channels, HashSet<string> names)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["in_channels"] = channels };
        var probe = names.ToDictionary(n => n, _ => 64L, StringComparer.Ordinal);
        foreach (var parameter in inner.Spec.Parameters.Where(p => p.Name != "in_channels"))
        {
            var text = use.GetArg(parameter.Name) is { } given ? given
                : parameter.Default is { } fallback ? Substitute(fallback, values)
                : null;
            if (text is null || Expression.Evaluate(text, probe).Error is { Kind: not ExpressionErrorKind.NotInteger })
            {
                return null;
            }

            values[parameter.Name] = text;
        }

        return values;
    }

    // An expression over one block's names rewritten over another's: each name replaced by its expression there.
    private static string Substitute(string expression, IReadOnlyDictionary<string, string> values) =>
        Regex.Replace(expression, "[A-Za-z_][A-Za-z0-9_]*", m => values.TryGetValue(m.Value, out var value)
            ? (Atomic(value) ? value.Trim() : "(" + value + ")")
            : m.Value, RegexOptions.CultureInvariant);

    // A spec argument resolved as shape inference resolves it, with integers kept as expressions where they are not literals.
    private static TemplateArg? Resolve(ArgumentDefinition definition, string text, HashSet<string> names)
    {
        switch (definition.Type)
        {
            case ArgumentType.Int:
                if (Expression.TryParseLiteral(text, out var value))
                {
                    return new TemplateArg(definition.Name, value, null, null);
                }

                // Only the names in scope (an inexact division at the probe's values says nothing: the C# divides exactly or throws).
                var probe = Expression.Evaluate(text, names.ToDictionary(n => n, _ => 64L, StringComparer.Ordinal));
                return probe.Error is null or { Kind: ExpressionErrorKind.NotInteger } ? new TemplateArg(definition.Name, 0, null, text) : null;
            case ArgumentType.Bool:
                return ArgumentText.TryBool(text, out var flag) ? new TemplateArg(definition.Name, flag ? 1 : 0, null, null) : null;
            case ArgumentType.Real:
                return ArgumentText.TryReal(text, out var real) ? new TemplateArg(definition.Name, 0, real, null) : null;
            default:
                return new TemplateArg(definition.Name, 0, text.Trim(), null);
        }
    }

    // The product of the strides in a branch, as an expression ("1" where nothing strides), a nested block's counted
    // through its own members; null where a pool or another size-changing layer makes it unknowable here.
    private static string? Product(IEnumerable<LayerSpec> branch, HashSet<string> names, Context context, string? channels)
    {
        var factors = new List<string>();
        foreach (var layer in branch.SelectMany(m => m.Kind == LayerKind.Sequential ? m.Children.AsEnumerable() : new[] { m }))
        {
            string? stride;
            switch (layer.Kind)
            {
                case LayerKind.Conv1d or LayerKind.Conv2d:
                    stride = layer.GetArg("stride") ?? "1";
                    break;
                case LayerKind.Block when channels is not null && layer.GetArg("block") is { } name && context.Blocks(name) is { } inner &&
                    Arguments(layer, inner, channels, names) is { } values &&
                    Product(inner.Members.Select(m => m.Layer), new HashSet<string>(values.Keys, StringComparer.Ordinal), context, "in_channels") is { } own:
                    stride = Substitute(own, values);
                    break;
                case LayerKind.MaxPool2d or LayerKind.AvgPool2d or LayerKind.AdaptiveAvgPool2d or LayerKind.Flatten or LayerKind.Block or LayerKind.Stage:
                    return null;
                default:
                    continue;
            }

            if (!(Expression.TryParseLiteral(stride, out var literal) && literal == 1))
            {
                factors.Add(Atomic(stride) ? stride.Trim() : "(" + stride + ")");
            }
        }

        var product = factors.Count == 0 ? "1" : string.Join(" * ", factors);
        return Expression.Evaluate(product, names.ToDictionary(n => n, _ => 2L, StringComparer.Ordinal)).Error is null ? product : null;
    }

    private static bool Atomic(string expression) => Regex.IsMatch(expression, "^\\s*([A-Za-z_][A-Za-z0-9_]*|[0-9]+)\\s*$");

    // The template's code with C# for every symbolic size; null where LayerFactory changed a stand-in rather than
    // printing it (or has no module for the template).
    private static Code? Symbolic(Node node)
    {
        var symbols = new List<string>();
        var failed = false;
        var code = Build(node, arg =>
        {
            symbols.Add(arg);
            return Sentinel + (10 * (symbols.Count - 1));
        }, text => SentinelToken.Replace(text, m =>
        {
            var offset = long.Parse(m.Value, CultureInfo.InvariantCulture) - Sentinel;
            if (offset % 10 != 0 || offset / 10 >= symbols.Count)
            {
                failed = true;
                return m.Value;
            }

            return CSharp(symbols[(int)(offset / 10)]);
        }));
        return failed ? null : code;
    }

    // The template's code with the use's values; null where an expression does not evaluate.
    private static Code? Numeric(Node node, IReadOnlyDictionary<string, long> env)
    {
        var failed = false;
        var code = Build(node, arg =>
        {
            var result = Expression.Evaluate(arg, env);
            failed |= result.Error is not null || result.Value > int.MaxValue || result.Value < 0;
            return result.Value;
        }, text => text);
        return failed ? null : code;
    }

    private static Code? Build(Node node, Func<string, long> value, Func<string, string> finish)
    {
        if (node.Kind == LayerKind.Sequential)
        {
            var call = Code.Call("global::TorchSharp.torch.nn.Sequential");
            foreach (var (name, child) in node.Children)
            {
                if (Build(child, value, finish) is not { } built)
                {
                    return null;
                }

                call.Add("(\"" + name + "\", ", built, ")");
            }

            return call;
        }

        if (node.Kind == LayerKind.Block)
        {
            // As Call writes a use: new Inner(inChannels: 64, planes: 16) — the same text for the same values.
            return Code.Leaf(finish("new " + node.Block + "(" +
                string.Join(", ", node.Args.Select(a => CSharpName(a.Name) + ": " + value(a.Expression!).ToString(CultureInfo.InvariantCulture))) + ")"));
        }

        var channels = node.Input is { } c ? (int)Math.Min(value(c), int.MaxValue) : 1;
        var args = node.Args.Select(a => new ResolvedArg(a.Name, a.Expression is { } e ? value(e) : a.Value, a.Text)).ToEquatableArray();
        var shape = node.Image ? Shape.Of(channels, 1, 1) : Shape.Of(channels);
        var row = new LayerShape(string.Empty, node.Kind, shape, shape, args, EquatableArray<TensorSpec>.Empty);
        return LayerFactory.New(row, node.InPlace) is { } text ? Code.Leaf(finish(text)) : null;
    }

    // Spec notation to C#: the same integers, operators and parentheses, names as the constructor's parameters, and each
    // division exact (ModelDsl.Sizes.Divide throws where the spec would refuse: a size is never silently rounded).
    private static string CSharp(string expression) => new Translator(expression).Translate();

    private sealed class Translator(string text)
    {
        private int pos;

        public string Translate()
        {
            var code = Sum();
            Skip();
            return pos == text.Length ? Bare(code) : throw new InvalidOperationException("not an expression: " + text);
        }

        // "(a * b)" as a whole argument needs no parentheses.
        private static string Bare(string code)
        {
            if (code.Length < 2 || code[0] != '(' || code[code.Length - 1] != ')')
            {
                return code;
            }

            var depth = 0;
            for (var i = 0; i < code.Length - 1; i++)
            {
                depth += code[i] == '(' ? 1 : code[i] == ')' ? -1 : 0;
                if (depth == 0)
                {
                    return code;
                }
            }

            return code.Substring(1, code.Length - 2);
        }

        private string Sum()
        {
            var code = Product();
            while (Peek() is '+' or '-')
            {
                var op = text[pos++];
                code += " " + op + " " + Product();
            }

            return code;
        }

        private string Product()
        {
            var code = Unary();
            while (Peek() is '*' or '/')
            {
                var op = text[pos++];
                var right = Unary();
                code = op == '*' ? code + " * " + right : "global::ModelDsl.Sizes.Divide(" + Bare(code) + ", " + Bare(right) + ")";
            }

            return code;
        }

        private string Unary()
        {
            if (Peek() == '-')
            {
                // "- -x" must not become the decrement operator.
                pos++;
                var operand = Unary();
                return operand.StartsWith("-", StringComparison.Ordinal) ? "-(" + operand + ")" : "-" + operand;
            }

            if (Peek() == '(')
            {
                pos++;
                var inner = Sum();
                Skip();
                pos++;
                return "(" + inner + ")";
            }

            Skip();
            var start = pos;
            while (pos < text.Length && (char.IsLetterOrDigit(text[pos]) || text[pos] == '_'))
            {
                pos++;
            }

            var atom = text.Substring(start, pos - start);
            return atom.Length > 0 && char.IsDigit(atom[0]) ? atom : CSharpName(atom);
        }

        private char Peek()
        {
            Skip();
            return pos < text.Length ? text[pos] : '\0';
        }

        private void Skip()
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos]))
            {
                pos++;
            }
        }
    }

    /// <summary>Code as one line, to compare what two constructions build.</summary>
    public static string Flat(Code code) =>
        code.Head + string.Join(", ", code.Arguments.Select(a => a.Before + Flat(a.Argument) + a.After)) + code.Tail;

    private sealed record Parameter(string Name, string? Default);

    private sealed record TemplateArg(string Name, long Value, string? Text, string? Expression)
    {
        public static TemplateArg Of(string expression) =>
            Spec.Expression.TryParseLiteral(expression, out var value) ? new(string.Empty, value, null, null) : new(string.Empty, 0, null, expression);
    }

    // A residual whose shortcut depends on the sizes: the branch's stride, its input and output channels, the projection.
    private sealed record Shortcut(string Stride, string Input, string Output, Node? Projection);

    // Image: the layer sees [C, H, W] (layer scale's shape depends on it); else its input is written as [C].
    private sealed record Node(LayerKind Kind, List<TemplateArg> Args, string? Input, string? Output, bool InPlace, List<(string Name, Node Node)> Children, string? Block, bool Image = false);

    // What the members so far make of the block's input, as far as the templates can tell: whether it is an image (a
    // member that takes only images ran), and whether its channels have moved last (Permute(1, 2, 0): Swin's and
    // ConvNeXt's [H, W, C]), where only the layers that read the last dimension (Linear, LayerNorm, patch merging,
    // window attention) can be written over them.
    private sealed class Layout
    {
        public bool Image { get; set; }

        public bool ChannelsLast { get; set; }
    }

    // What a template needs besides the block: the blocks it may use, and which are being planned (a cycle plans nothing).
    private sealed record Context(Func<string, BlockTarget?> Blocks, HashSet<string> Visiting);
}
