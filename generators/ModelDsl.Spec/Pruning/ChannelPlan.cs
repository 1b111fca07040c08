namespace ModelDsl.Spec;

/// <summary>One dependency group of a structured-pruning variant: channels kept or removed together.</summary>
/// <param name="DenseSize">Channels in the dense model.</param>
/// <param name="KeptSize">Channels the variant keeps.</param>
/// <param name="Producers">Tensors whose dim 0 indexes the group's channels and whose magnitude ranks them (weights and biases of the convolutions and linears that write them).</param>
/// <param name="Norms">Batch-norm scales (<c>weight</c>) over the group, for ranking by BatchNorm scale.</param>
/// <param name="HeadDim">
/// For the heads of an attention: the width of one head, and the group's channels are heads (0 for a channel group).
/// Its <paramref name="Producers"/> then hold the stacked q, k, v rows ([3 · heads · HeadDim, …]), and <paramref name="Columns"/>
/// the tensors whose dim 1 reads the heads (out_proj's weight).
/// </param>
/// <param name="Columns">For the heads of an attention: the tensors whose dim 1 indexes the heads' outputs.</param>
public sealed record ChannelGroup(int DenseSize, int KeptSize, EquatableArray<string> Producers, EquatableArray<string> Norms, int HeadDim = 0, EquatableArray<string> Columns = default);

/// <summary>How one dimension of a variant's tensor is cut from the dense tensor: by a group's kept channels.</summary>
/// <param name="Dim">The dimension.</param>
/// <param name="Group">Index into <see cref="ChannelPlan.Groups"/>.</param>
/// <param name="Repeat">Elements per channel along the dimension (H·W for a Linear after Flatten of [C, H, W], the head width for heads).</param>
/// <param name="Blocks">Equal parts of the dimension each cut the same way (3 for attention's stacked q, k, v rows).</param>
public sealed record TensorSlice(int Dim, int Group, int Repeat = 1, int Blocks = 1);

/// <summary>One tensor of the variant's state dict and how it is cut from the dense one (no slices: copied whole).</summary>
/// <param name="Name">The state-dict name, the same in both models.</param>
/// <param name="Slices">The cut dimensions.</param>
public sealed record TensorCopy(string Name, EquatableArray<TensorSlice> Slices);

/// <summary>The compile-time half of <c>FromDense</c>: which channels must be chosen together, and how every tensor is cut.</summary>
/// <param name="Groups">Groups that lose channels (groups the variant keeps whole are not listed).</param>
/// <param name="Tensors">Every tensor of the variant's state dict, in order.</param>
/// <param name="Unsupported">Why the variant cannot be built from a dense model, or null.</param>
public sealed record ChannelPlan(EquatableArray<ChannelGroup> Groups, EquatableArray<TensorCopy> Tensors, string? Unsupported)
{
    /// <summary>
    /// Pairs the dense and the pruned model's resolved trees (same structure and names, other widths) and computes the
    /// dependency groups: a convolution's or linear's outputs start a group; normalisations, activations, pooling and
    /// dropout pass it on; the next convolution or linear reads it (a linear after Flatten reads it H·W times); a
    /// depthwise convolution keeps it; a residual add ties the branch's group to the shortcut's (the projection's when
    /// there is one). A multi-head attention reads and writes its model width whole; its heads are a group of their own
    /// (q, k, v rows and out_proj columns of whole heads). Layers the rewrite does not narrow (embeddings, Mamba …) must see
    /// a group kept whole.
    /// </summary>
    /// <param name="dense">The dense model, inferred.</param>
    /// <param name="pruned">The variant, inferred.</param>
    public static ChannelPlan Of(ShapeResult dense, ShapeResult pruned) => new Planner().Run(dense, pruned);

    private sealed class Planner
    {
        private readonly List<int> parent = new();
        private readonly List<(int Dense, int Kept)> sizes = new();
        private readonly List<List<string>> producers = new();
        private readonly List<List<string>> norms = new();
        private readonly List<(string Name, List<(int Dim, int Space, int Repeat, int Blocks)> Slices)> tensors = new();
        private readonly Dictionary<int, (int HeadDim, List<string> Columns)> heads = new();
        private string? unsupported;

        public ChannelPlan Run(ShapeResult dense, ShapeResult pruned)
        {
            if (dense.Error is not null || pruned.Error is not null || dense.Roots.Count != pruned.Roots.Count)
            {
                return new ChannelPlan(EquatableArray<ChannelGroup>.Empty, EquatableArray<TensorCopy>.Empty, "the dense model or the variant does not infer");
            }

            var first = dense.Roots.Count == 0 ? null : dense.Roots[0];
            var input = first is null ? -1 : NewSpace(Channels(first.Input), Channels(pruned.Roots[0].Input));
            var x = (Space: input, Repeat: 1);
            for (var i = 0; i < dense.Roots.Count && unsupported is null; i++)
            {
                x = Walk(dense.Roots[i], pruned.Roots[i], x);
            }

            // Groups that keep every channel need no choice; the others are numbered in order of first use.
            var numbers = new Dictionary<int, int>();
            var groups = new List<ChannelGroup>();
            int Number(int space)
            {
                var root = Find(space);
                if (!numbers.TryGetValue(root, out var n))
                {
                    n = groups.Count;
                    numbers[root] = n;
                    groups.Add(heads.TryGetValue(root, out var head)
                        ? new ChannelGroup(sizes[root].Dense, sizes[root].Kept, producers[root].ToEquatableArray(), norms[root].ToEquatableArray(), head.HeadDim, head.Columns.ToEquatableArray())
                        : new ChannelGroup(sizes[root].Dense, sizes[root].Kept, producers[root].ToEquatableArray(), norms[root].ToEquatableArray()));
                }

                return n;
            }

            var copies = new List<TensorCopy>();
            foreach (var (name, slices) in tensors)
            {
                var cut = slices.Where(s => IsCut(s.Space)).Select(s => new TensorSlice(s.Dim, Number(s.Space), s.Repeat, s.Blocks)).ToEquatableArray();
                copies.Add(new TensorCopy(name, cut));
            }

            if (input >= 0 && IsCut(input))
            {
                unsupported ??= "the model's input channels would be pruned";
            }

            return new ChannelPlan(groups.ToEquatableArray(), copies.ToEquatableArray(), unsupported);
        }

        private (int Space, int Repeat) Walk(ResolvedNode dense, ResolvedNode pruned, (int Space, int Repeat) x)
        {
            if (unsupported is not null)
            {
                return x;
            }

            if (dense.Children.Count != pruned.Children.Count || dense.Kind != pruned.Kind || dense.Path != pruned.Path)
            {
                unsupported = "the variant's structure differs from the dense model's at '" + dense.Path + "'";
                return x;
            }

            switch (dense.Kind)
            {
                case LayerKind.Sequential or LayerKind.Stage or LayerKind.Block:
                    for (var i = 0; i < dense.Children.Count; i++)
                    {
                        x = Walk(dense.Children[i], pruned.Children[i], x);
                    }

                    return x;
                case LayerKind.Residual:
                {
                    if (dense.Add?.Kind == LayerKind.ResidualConcat)
                    {
                        // The joined channels come from two groups at an offset: the rewrite cuts one group per dimension.
                        unsupported = "a concatenation at '" + dense.Add.Path + "' would join two channel groups";
                        return x;
                    }

                    var shortcut = x;
                    for (var i = 0; i < dense.ShortcutMembers; i++)
                    {
                        shortcut = Walk(dense.Children[i], pruned.Children[i], shortcut);
                    }

                    for (var i = dense.ShortcutMembers; i < dense.Children.Count; i++)
                    {
                        x = Walk(dense.Children[i], pruned.Children[i], x);
                    }

                    if (dense.Add is null)
                    {
                        return x;
                    }

                    if (dense.Projection is { } projection && pruned.Projection is { } prunedProjection)
                    {
                        shortcut = Walk(projection, prunedProjection, shortcut);
                    }

                    Union(x, shortcut, dense.Path);
                    return x;
                }

                default:
                    return Leaf(dense.Layer!, pruned.Layer!, x);
            }
        }

        private (int Space, int Repeat) Leaf(LayerShape dense, LayerShape pruned, (int Space, int Repeat) x)
        {
            switch (dense.Kind)
            {
                case LayerKind.Conv1d or LayerKind.Conv2d:
                {
                    var groups = dense.Int("groups");
                    var depthwise = groups > 1 && groups == dense.Int("in") && dense.Int("out") == dense.Int("in");
                    if (depthwise)
                    {
                        // Each channel is its own group: the input's channels are the output's.
                        Record(dense, x.Space, 0, null, 0, producer: true);
                        return x;
                    }

                    if (groups > 1)
                    {
                        Require(x.Space, dense.Path, "a grouped convolution");
                        var fixedOut = NewSpace((int)dense.Int("out"), (int)pruned.Int("out"));
                        Require(fixedOut, dense.Path, "a grouped convolution");
                        Record(dense, fixedOut, 0, null, 0, producer: true);
                        return (fixedOut, 1);
                    }

                    var output = NewSpace((int)dense.Int("out"), (int)pruned.Int("out"));
                    Record(dense, output, 0, x.Space, 1, producer: true, inputRepeat: x.Repeat);
                    return (output, 1);
                }

                case LayerKind.Linear:
                {
                    var output = NewSpace((int)dense.Int("out"), (int)pruned.Int("out"));
                    Record(dense, output, 0, x.Space, 1, producer: true, inputRepeat: x.Repeat);
                    return (output, 1);
                }

                case LayerKind.BatchNorm1d or LayerKind.BatchNorm2d or LayerKind.GroupNorm:
                    if (dense.Kind == LayerKind.GroupNorm)
                    {
                        Require(x.Space, dense.Path, "a group norm");
                    }

                    Record(dense, x.Space, 0, null, 0, producer: false, norm: true);
                    return x;
                case LayerKind.LayerNorm2d or LayerKind.LayerScale:
                    // Per channel of an image (or feature of tokens): cut with the channels they scale.
                    Record(dense, x.Space, 0, null, 0, producer: false);
                    return x;
                case LayerKind.LayerNorm or LayerKind.RMSNorm:
                    if (dense.Input.Rank == 3)
                    {
                        // Over an image's last dimension (W), not its channels: nothing to cut, nothing cut.
                        Require(x.Space, dense.Path, "a norm over an image's width");
                        Record(dense, -1, 0, null, 0, producer: false);
                        return x;
                    }

                    Record(dense, x.Space, 0, null, 0, producer: false);
                    return x;
                case LayerKind.Flatten:
                    return dense.Input.Rank == 3 ? (x.Space, checked(x.Repeat * dense.Input.Dims[1] * dense.Input.Dims[2])) : x;
                case LayerKind.ReLU or LayerKind.ReLU6 or LayerKind.GELU or LayerKind.SiLU or LayerKind.Sigmoid or LayerKind.Tanh or
                    LayerKind.Hardswish or LayerKind.Hardsigmoid or
                    LayerKind.Dropout or LayerKind.MaxPool2d or LayerKind.AvgPool2d or LayerKind.AdaptiveAvgPool2d or
                    LayerKind.Softmax or LayerKind.LogSoftmax or LayerKind.ResidualAdd or LayerKind.ResidualMultiply or LayerKind.ResidualConcat:
                    return x;
                case LayerKind.MultiheadAttention when dense.Text("layout") == "torch":
                    return Attention(dense, pruned, x);
                case LayerKind.Custom:
                    // A user's module: its weights are its own business, nothing here knows how to cut or even name them.
                    unsupported ??= "'" + dense.Path + "' is a custom layer (" + dense.Text("type").Replace("global::", string.Empty) + "), whose weights FromDense cannot cut";
                    return x;
                default:
                {
                    // Attention, embeddings, Mamba, tokens: the rewrite does not narrow them; they must see whole groups.
                    Require(x.Space, dense.Path, "a " + dense.Kind + " layer");
                    Record(dense, -1, 0, null, 0, producer: false);
                    return (NewSpace(Channels(dense.Output), Channels(pruned.Output)), 1);
                }
            }
        }

        // Multi-head attention (layout "torch"): the model width in and out is the residual stream's, kept whole; the heads are
        // their own group. in_proj_weight and in_proj_bias (or the qkv Linear) stack q, k, v ([3 · heads · head_dim, …]): each block loses the same
        // whole heads; out_proj's weight loses their columns; out_proj's bias is the model width.
        private (int Space, int Repeat) Attention(LayerShape dense, LayerShape pruned, (int Space, int Repeat) x)
        {
            Require(x.Space, dense.Path, "a " + dense.Kind + " layer");
            var headDim = (int)dense.Int("head_dim");
            var space = NewSpace((int)dense.Int("heads"), (int)pruned.Int("heads"));
            var columns = new List<string>();
            heads[space] = (headDim, columns);
            // The shape rule registers the packed q, k, v projection first (weight, then bias), then the output
            // projection's weight and bias, whatever they are named (in_proj_weight, qkv.weight, out_proj, proj …).
            var rows = dense.Bool("bias") ? 2 : 1;
            for (var i = 0; i < dense.Tensors.Count; i++)
            {
                var tensor = dense.Tensors[i];
                var slices = new List<(int, int, int, int)>();
                if (i < rows)
                {
                    slices.Add((0, space, headDim, 3));
                    producers[space].Add(tensor.Name);
                }
                else if (i == rows)
                {
                    slices.Add((1, space, headDim, 1));
                    columns.Add(tensor.Name);
                }

                tensors.Add((tensor.Name, slices));
            }

            return x;
        }

        // Records every tensor of a layer: dim 0 of the per-channel ones by `output`, dim 1 of a weight by `input`.
        private void Record(LayerShape layer, int output, int outputDim, int? input, int inputDim, bool producer, bool norm = false, int inputRepeat = 1)
        {
            foreach (var tensor in layer.Tensors)
            {
                var slices = new List<(int, int, int, int)>();
                if (output >= 0 && tensor.Dims.Count > outputDim)
                {
                    slices.Add((outputDim, output, 1, 1));
                }

                if (input is { } space && space >= 0 && tensor.Role == TensorRole.Weight && tensor.Dims.Count > inputDim)
                {
                    slices.Add((inputDim, space, inputRepeat, 1));
                }

                tensors.Add((tensor.Name, slices));
                if (output >= 0 && producer && tensor.CountsAsParameter && tensor.Role is TensorRole.Weight or TensorRole.Bias)
                {
                    producers[Find(output)].Add(tensor.Name);
                }

                if (output >= 0 && norm && tensor.Role == TensorRole.Weight)
                {
                    norms[Find(output)].Add(tensor.Name);
                }
            }
        }

        private void Require(int space, string path, string what)
        {
            if (space >= 0 && IsCut(space))
            {
                unsupported ??= what + " at '" + path + "' would read pruned channels";
            }
        }

        private bool IsCut(int space) => sizes[Find(space)].Dense != sizes[Find(space)].Kept;

        private static int Channels(Shape shape) => shape.Rank == 3 ? shape.Dims[0] : shape.Last;

        private int NewSpace(int dense, int kept)
        {
            parent.Add(parent.Count);
            sizes.Add((dense, kept));
            producers.Add(new List<string>());
            norms.Add(new List<string>());
            return parent.Count - 1;
        }

        private int Find(int space)
        {
            while (parent[space] != space)
            {
                parent[space] = parent[parent[space]];
                space = parent[space];
            }

            return space;
        }

        private void Union((int Space, int Repeat) a, (int Space, int Repeat) b, string path)
        {
            if (a.Space < 0 || b.Space < 0)
            {
                return;
            }

            int ra = Find(a.Space), rb = Find(b.Space);
            if (ra == rb)
            {
                return;
            }

            if (sizes[ra] != sizes[rb] || a.Repeat != b.Repeat)
            {
                unsupported ??= "the residual add at '" + path + "' ties channels the variant narrows differently";
                return;
            }

            parent[rb] = ra;
            producers[ra].AddRange(producers[rb]);
            norms[ra].AddRange(norms[rb]);
        }
    }
}
