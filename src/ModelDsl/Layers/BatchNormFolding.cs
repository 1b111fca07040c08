using System.Runtime.CompilerServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Inference with every eval-mode batch norm folded into the convolution before it, as ONNX Runtime and PyTorch's
/// <c>fuse_modules</c> do: W' = W·γ/√(σ² + ε) per output channel and b' = (b − μ)·γ/√(σ² + ε) + β, so the pair is one
/// convolution and the norm's pass over the activations (memory-bound, 4–7 % of a ResNet-18 forward here) is gone. The
/// model and its state dict are not changed: the folded tensors sit beside them, and <see cref="Forward"/> uses them
/// while the model is in eval mode. A pair is folded where the convolution's output goes to the norm alone: adjacent in
/// an <c>nn.Sequential</c>, or declared by a generated block (<see cref="IBatchNormPairs"/>). A pair whose weights or
/// statistics change (training, loading) is folded again from the new ones at its next eval forward.
/// <para>
/// A folded float32 CPU convolution large enough to gain (<see cref="PackedConvKernels"/>) convolves with its folded
/// weight reordered once into oneDNN's blocked layout, as PyTorch 2 does when it freezes a model, and applies the ReLU
/// or ReLU6 its norm runs straight into in the same kernel (a Sequential's [conv, norm, activation], or
/// <see cref="IBatchNormPairs.NormActivations"/>); that activation then passes the result through.
/// <c>MODELDSL_PREPACK=0</c> turns the prepacking off.
/// </para>
/// <para>
/// An int8 variant's <see cref="Int8Conv2d"/> folds its norm too, into what it packs for its int8 kernel (the stored
/// int8 weight is unchanged): one int8 convolution then does the work of the convolution, the norm and the requantise.
/// Its output range after the norm comes from the calibration (<see cref="Int8Calibration.Run"/> records it), so fold
/// and calibrate in either order; a layer calibrated without it (<see cref="Int8Conv2d.Calibrate"/> with a range of
/// your own) keeps its norm unfolded.
/// </para>
/// </summary>
public static class BatchNormFolding
{
    private static readonly ConditionalWeakTable<Conv2d, Folded> Convolutions = new();
    private static readonly ConditionalWeakTable<BatchNorm2d, nn.Module<Tensor, Tensor>> Norms = new();

    // Outputs whose convolution kernel already applied the activation after the pair's norm, with that activation:
    // when it gets exactly this tensor, it passes it through.
    private static readonly ConditionalWeakTable<Tensor, nn.Module<Tensor, Tensor>> Activated = new();

    // The Fold call each folded convolution belongs to, whose Dispose unfolds it (a later Fold of the model takes it over).
    private static readonly ConditionalWeakTable<nn.Module<Tensor, Tensor>, FoldedInference> Owners = new();

    private static int active;

    /// <summary>
    /// Folds every pair of <paramref name="model"/> for eval-mode forwards until the result is disposed (or
    /// <paramref name="model"/> is folded again, which replaces the folded tensors; disposing the replaced fold then leaves
    /// the new one). Training-mode forwards ignore it, and so does an eval-mode forward that records gradients for a pair's
    /// parameters (outside <c>no_grad</c>), which runs that pair unfolded so that they get their gradients.
    /// </summary>
    /// <returns>The fold; disposing it restores the unfolded forward and frees the folded tensors.</returns>
    public static FoldedInference Fold(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var pairs = new List<(nn.Module<Tensor, Tensor> Conv, BatchNorm2d Norm)>();
        var fold = new FoldedInference(pairs);
        using var noGrad = no_grad();
        var activations = Activations(model);
        foreach (var (module, norm) in Pairs(model))
        {
            if (module is Int8Conv2d int8)
            {
                // Counted once while a fold owns it (even if the layer was disposed and so unfolded meanwhile).
                var refolded = Owners.TryGetValue(int8, out _);
                if (int8.Fold(norm))
                {
                    Norms.AddOrUpdate(norm, int8);
                    Owners.AddOrUpdate(int8, fold);
                    pairs.Add((int8, norm));
                    if (!refolded)
                    {
                        Interlocked.Increment(ref active);
                    }
                }

                continue;
            }

            var conv = (Conv2d)module;
            pairs.Add((conv, norm));
            var folded = Folded.Of(conv, norm, activations.GetValueOrDefault(norm));
            if (Convolutions.TryGetValue(conv, out var old))
            {
                old.Retire();
                Convolutions.Remove(conv);
                Interlocked.Decrement(ref active);
            }

            Convolutions.Add(conv, folded);
            Norms.AddOrUpdate(norm, conv);
            Owners.AddOrUpdate(conv, fold);
            Interlocked.Increment(ref active);
        }

        return fold;
    }

    /// <summary>
    /// The pairs <see cref="Fold"/> considers: a Sequential's adjacent convolution (a <see cref="Conv2d"/> or an
    /// <see cref="Int8Conv2d"/>) → BatchNorm2d and each <see cref="IBatchNormPairs"/>'s.
    /// </summary>
    public static IEnumerable<(nn.Module<Tensor, Tensor> Conv, BatchNorm2d Norm)> Pairs(nn.Module model)
    {
        foreach (var module in SelfAndDescendants(model))
        {
            IEnumerable<(nn.Module<Tensor, Tensor> Conv, BatchNorm2d Norm)> candidates = module switch
            {
                Sequential sequential => Adjacent(sequential).Select(a => (a.Conv, a.Norm)),
                IBatchNormPairs declared => declared.BatchNormPairs(),
                _ => [],
            };
            foreach (var pair in candidates.Where(p => Foldable(p.Conv, p.Norm)))
            {
                yield return pair;
            }
        }
    }

    // The activation each norm runs straight into, where that is known: a Sequential's [convolution, norm, ReLU or
    // ReLU6] and each IBatchNormPairs's declared ones. A pair with one applies it in its convolution's kernel, wherever
    // that convolution runs: so a norm that follows its convolution in several places (shared weights) gets one only if
    // every place runs it into the same activation.
    private static Dictionary<BatchNorm2d, nn.Module<Tensor, Tensor>> Activations(nn.Module model)
    {
        var readers = new Dictionary<BatchNorm2d, nn.Module<Tensor, Tensor>?>(ReferenceEqualityComparer.Instance);
        var mixed = new HashSet<BatchNorm2d>(ReferenceEqualityComparer.Instance);
        foreach (var module in SelfAndDescendants(model))
        {
            IEnumerable<(BatchNorm2d Norm, nn.Module<Tensor, Tensor>? Activation)> uses = module switch
            {
                Sequential sequential => Adjacent(sequential).Select(a => (a.Norm, a.Next)),
                IBatchNormPairs pairs => DeclaredActivations(pairs),
                _ => [],
            };
            foreach (var (norm, activation) in uses)
            {
                var fused = Fusable(activation) != FusedActivation.None ? activation : null;
                if (readers.TryGetValue(norm, out var seen) && !ReferenceEquals(seen, fused))
                {
                    mixed.Add(norm);
                }

                readers[norm] = fused;
            }
        }

        var activations = new Dictionary<BatchNorm2d, nn.Module<Tensor, Tensor>>(ReferenceEqualityComparer.Instance);
        foreach (var (norm, activation) in readers)
        {
            if (activation is not null && !mixed.Contains(norm))
            {
                activations[norm] = activation;
            }
        }

        return activations;
    }

    // Each norm of the module's pairs, with its declared activation (none where it declares none).
    private static IEnumerable<(BatchNorm2d Norm, nn.Module<Tensor, Tensor>? Activation)> DeclaredActivations(IBatchNormPairs pairs)
    {
        var declared = pairs.NormActivations().ToList();
        foreach (var (_, norm) in pairs.BatchNormPairs())
        {
            yield return (norm, declared.FirstOrDefault(d => ReferenceEquals(d.Norm, norm)).Activation);
        }
    }

    // The activations a convolution kernel can apply: ReLU, and ReLU6 (a clamp to [0, 6]).
    private static FusedActivation Fusable(nn.Module<Tensor, Tensor>? activation) => activation switch
    {
        ReLU => FusedActivation.ReLU,
        ReLU6 => FusedActivation.ReLU6,
        _ => FusedActivation.None,
    };

    // Every folded convolution is forwarded with its folded tensors in eval mode; its norm passes its input through. Both
    // of the pair must be in eval mode: a training-mode convolution runs unfolded (its norm then runs too), and a
    // training-mode norm (re-estimating statistics) must see the convolution's own output.
    internal static bool TryForward(nn.Module<Tensor, Tensor> module, Tensor x, out Tensor y)
    {
        y = x;
        if (Volatile.Read(ref active) == 0 || module.training)
        {
            return false;
        }

        switch (module)
        {
            case Conv2d conv when Convolutions.TryGetValue(conv, out var folded) && !folded.Norm.training && !RecordsGradients(conv, folded.Norm):
                y = FoldedForward(conv, folded, x);
                return true;
            case Int8Conv2d int8 when int8.FoldedNorm is { } folded && !folded.training && !RecordsGradients(int8, folded):
                y = int8.ForwardFolded(x);
                return true;
            case BatchNorm2d norm when Norms.TryGetValue(norm, out var conv) && !conv.training && IsFolded(conv) && !RecordsGradients(conv, norm):
                return true;
            case ReLU or ReLU6 when Activated.TryGetValue(x, out var by) && ReferenceEquals(by, module):
                Activated.Remove(x);
                return true;
            case Sequential sequential when Any(sequential):
                y = Sequence(sequential, x);
                return true;
            default:
                return false;
        }
    }

    // A forward that records gradients for a pair's parameters runs the pair unfolded: the folded tensors are detached,
    // and through them the convolution and the norm would get no gradient (fine-tuning with frozen statistics). An
    // int8 convolution's own output records none (it is inference-only); its norm's parameters still do.
    private static bool RecordsGradients(nn.Module<Tensor, Tensor> conv, BatchNorm2d norm) =>
        is_grad_enabled() &&
        (conv is Conv2d plain && (plain.weight is { requires_grad: true } || plain.bias is { requires_grad: true }) ||
         norm.weight is { requires_grad: true } || norm.bias is { requires_grad: true });

    // The folded convolution of x with the pair's current fold, which no other thread can free while this one uses it.
    private static Tensor FoldedForward(Conv2d conv, Folded folded, Tensor x)
    {
        while (true)
        {
            var current = Current(conv, folded);
            if (current.TryEnter())
            {
                try
                {
                    var y = current.Convolve(conv, x, out var activated);
                    if (activated)
                    {
                        Activated.AddOrUpdate(y, current.Activation!);
                    }

                    return y;
                }
                finally
                {
                    current.Exit();
                }
            }

            // Retired between the lookup and the entry (refolded or unfolded by another thread): the table has its
            // successor, or the pair is no longer folded and runs as the plain convolution it now is.
            if (!Convolutions.TryGetValue(conv, out folded!))
            {
                return conv.call(x);
            }
        }
    }

    // A pair whose weights, statistics or affine parameters changed since it was folded is folded again from today's,
    // once (under the stale fold's lock, so that two threads do not both refold). The stale fold is retired: freed now
    // if no forward is using it, else by the last one that is, so that a fine-tuning loop with eval forwards between its
    // steps does not pile up one copy of the folded and packed weights per step for the finalizers.
    private static Folded Current(Conv2d conv, Folded folded)
    {
        if (folded.IsCurrent(conv))
        {
            return folded;
        }

        lock (folded)
        {
            // Another thread refolded it first (use that), or unfolded the pair (the retired fold sends the caller on).
            if (!Convolutions.TryGetValue(conv, out var now) || !ReferenceEquals(now, folded))
            {
                return now ?? folded;
            }

            using var noGrad = no_grad();
            var refolded = Folded.Of(conv, folded.Norm, folded.Activation);
            Convolutions.AddOrUpdate(conv, refolded);
            folded.Retire();
            return refolded;
        }
    }

    // A Sequential's children run one by one here (its own forward would run the norms), each intermediate freed once
    // the next child has read it; the caller's x is left to the caller.
    private static Tensor Sequence(Sequential sequential, Tensor x)
    {
        var y = x;
        for (var i = 0; i < sequential.Count; i++)
        {
            var z = Forward.Call((nn.Module<Tensor, Tensor>)sequential[i], y);
            if (!ReferenceEquals(z, y) && !ReferenceEquals(y, x))
            {
                y.Dispose();
            }

            y = z;
        }

        return y;
    }

    /// <summary>The plain folds made and not yet freed, in the process (for the tests).</summary>
    internal static int LiveFolds => Folded.Live;

    /// <summary>Whether <paramref name="conv"/> is folded and convolves with a prepacked weight (for the tests).</summary>
    internal static bool IsPacked(Conv2d conv) => Convolutions.TryGetValue(conv, out var folded) && folded.IsPacked;

    private static bool IsFolded(nn.Module<Tensor, Tensor> conv) =>
        conv is Conv2d plain ? Convolutions.TryGetValue(plain, out _) : conv is Int8Conv2d { IsFolded: true };

    private static bool Any(Sequential sequential)
    {
        for (var i = 0; i < sequential.Count; i++)
        {
            if (sequential[i] is nn.Module<Tensor, Tensor> conv && conv is Conv2d or Int8Conv2d && IsFolded(conv) || sequential[i] is Sequential inner && Any(inner))
            {
                return true;
            }
        }

        return false;
    }

    // TorchSharp's named_modules() leaves out the module itself, whose own members may be a pair (ResNet's conv1, bn1).
    private static IEnumerable<nn.Module> SelfAndDescendants(nn.Module model) => model.named_modules().Select(m => m.module).Prepend(model);

    // Each convolution → norm of the Sequential, with the module that reads the norm's output (none: the Sequential's
    // caller reads it).
    private static IEnumerable<(nn.Module<Tensor, Tensor> Conv, BatchNorm2d Norm, nn.Module<Tensor, Tensor>? Next)> Adjacent(Sequential sequential)
    {
        for (var i = 0; i + 1 < sequential.Count; i++)
        {
            if (sequential[i] is Conv2d or Int8Conv2d && sequential[i + 1] is BatchNorm2d norm)
            {
                yield return ((nn.Module<Tensor, Tensor>)sequential[i], norm, i + 2 < sequential.Count ? sequential[i + 2] as nn.Module<Tensor, Tensor> : null);
            }
        }
    }

    // A norm without running statistics normalises by the batch's even in eval mode; zero padding is what conv2d does
    // (Int8Conv2d has no other).
    private static bool Foldable(nn.Module<Tensor, Tensor> conv, BatchNorm2d norm) =>
        norm.track_running_stats && norm.running_mean is not null && norm.running_var is not null && conv switch
        {
            Conv2d plain => plain.padding_mode == PaddingModes.Zeros && plain.padding_type is null && plain.out_channels == norm.num_features,
            Int8Conv2d int8 => int8.OutChannels == norm.num_features,
            _ => false,
        };

    // Only the pairs this fold still owns: a later Fold of the same model took the others over, and keeps them.
    internal static void Release(FoldedInference fold, IReadOnlyList<(nn.Module<Tensor, Tensor> Conv, BatchNorm2d Norm)> pairs)
    {
        foreach (var (conv, norm) in pairs)
        {
            if (!Owners.TryGetValue(conv, out var owner) || !ReferenceEquals(owner, fold))
            {
                continue;
            }

            Owners.Remove(conv);
            if (conv is Conv2d plain && Convolutions.TryGetValue(plain, out var folded))
            {
                Convolutions.Remove(plain);
                folded.Retire();
                Interlocked.Decrement(ref active);
            }
            else if (conv is Int8Conv2d int8)
            {
                int8.Unfold();
                Interlocked.Decrement(ref active);
            }

            Norms.Remove(norm);
        }
    }

    /// <summary>
    /// The norm as a per-channel affine map of the convolution's output, folded into the convolution's bias
    /// <paramref name="convBias"/> (or none): a = γ/√(σ² + ε) and (b − μ)·a + β, as <see cref="Fold"/> computes them for
    /// a plain and an int8 convolution alike.
    /// </summary>
    internal static (Tensor Scale, Tensor Bias) NormAffine(BatchNorm2d norm, Tensor? convBias)
    {
        var scale = norm.running_var!.add(norm.eps).rsqrt();
        if (norm.weight is { } gamma)
        {
            scale = scale.mul(gamma);
        }

        var bias = (convBias is { } b ? b.sub(norm.running_mean!) : norm.running_mean!.neg()).mul(scale);
        if (norm.bias is { } beta)
        {
            bias = bias.add(beta);
        }

        return (scale.detach(), bias.detach());
    }

    private sealed class Folded
    {
        // The tensors the fold was made from, and their version counters then.
        private readonly TensorState state;

        // How many forwards are convolving with this fold now; the sign bit is set once it is retired, after which
        // nobody enters and the last one out frees it.
        private int users;

        private Folded(BatchNorm2d norm, nn.Module<Tensor, Tensor>? activation, Tensor weight, Tensor bias, TensorState state)
        {
            Norm = norm;
            Activation = activation;
            Weight = weight;
            Bias = bias;
            this.state = state;
        }

        public BatchNorm2d Norm { get; }

        /// <summary>The ReLU or ReLU6 the norm runs straight into, which the packed kernel applies too; or none.</summary>
        public nn.Module<Tensor, Tensor>? Activation { get; }

        public Tensor Weight { get; }

        public Tensor Bias { get; }

        // The weight in oneDNN's blocked layout, made at the first forward that can use it (PackedConvKernels).
        private Tensor? packed;

        /// <summary>
        /// The pair's convolution of <paramref name="x"/>: with the packed weight where it fits, and then with the
        /// <see cref="Activation"/> applied in the same kernel (<paramref name="activated"/>); else eagerly, the
        /// activation left to run itself.
        /// </summary>
        public Tensor Convolve(Conv2d conv, Tensor x, out bool activated)
        {
            if (PackedConvKernels.Fits(conv, Weight, x) && Packed(conv, x) is { } weight)
            {
                var activation = Fusable(Activation);
                activated = activation != FusedActivation.None;
                return PackedConvKernels.Convolve(conv, x, weight, Bias, activation);
            }

            activated = false;
            return nn.functional.conv2d(x, Weight, Bias, conv.stride, conv.padding, conv.dilation, conv.groups);
        }

        /// <summary>Whether the weight has been packed (for the tests).</summary>
        internal bool IsPacked => Volatile.Read(ref packed) is not null;

        // Two threads may pack at once: one packing is kept, and the other, which nobody else has seen, is freed.
        private Tensor? Packed(Conv2d conv, Tensor x)
        {
            if (Volatile.Read(ref packed) is { } existing)
            {
                return existing;
            }

            if (PackedConvKernels.TryPack(conv, Weight, x) is not { } made)
            {
                return null;
            }

            if (Interlocked.CompareExchange(ref packed, made, null) is { } other)
            {
                made.Dispose();
                return other;
            }

            return made;
        }

        public static Folded Of(Conv2d conv, BatchNorm2d norm, nn.Module<Tensor, Tensor>? activation)
        {
            var state = TensorState.Of(Sources(conv, norm));
            using var scope = NewDisposeScope();
            var (scale, bias) = NormAffine(norm, conv.bias);

            // The scale multiplies each output channel's weights; mul keeps the weight's (channels-last) strides.
            var weight = conv.weight!.mul(scale.view(-1, 1, 1, 1));
            Interlocked.Increment(ref live);
            return new Folded(norm, activation, weight.detach().DetachFromDisposeScope(), bias.DetachFromDisposeScope(), state);
        }

        /// <summary>Whether the pair's tensors are the same objects, unwritten, as when this fold was made.</summary>
        public bool IsCurrent(Conv2d conv) => TensorState.Of(Sources(conv, Norm)) == state;

        /// <summary>Folds made and not yet freed, in the process (for the tests).</summary>
        internal static int Live => Volatile.Read(ref live);

        private static int live;

        /// <summary>Starts a forward with this fold; false once it is retired (use its successor).</summary>
        public bool TryEnter()
        {
            while (true)
            {
                var count = Volatile.Read(ref users);
                if (count < 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref users, count + 1, count) == count)
                {
                    return true;
                }
            }
        }

        /// <summary>Ends a forward begun with <see cref="TryEnter"/>; the last one out of a retired fold frees it.</summary>
        public void Exit()
        {
            if (Interlocked.Decrement(ref users) == int.MinValue)
            {
                Free();
            }
        }

        /// <summary>No forward may start with this fold any more; it is freed now if none is using it.</summary>
        public void Retire()
        {
            while (true)
            {
                var count = Volatile.Read(ref users);
                if (count < 0)
                {
                    return;
                }

                if (Interlocked.CompareExchange(ref users, count | int.MinValue, count) == count)
                {
                    if (count == 0)
                    {
                        Free();
                    }

                    return;
                }
            }
        }

        private void Free()
        {
            Weight.Dispose();
            Bias.Dispose();
            packed?.Dispose();
            Interlocked.Decrement(ref live);
        }

        // A training-mode forward writes the running statistics inside libtorch's kernel, which bumps no version counter;
        // TorchSharp's module then increments num_batches_tracked in place, which does.
        private static Tensor[] Sources(Conv2d conv, BatchNorm2d norm) =>
            new[] { conv.weight, conv.bias, norm.running_mean, norm.running_var, norm.num_batches_tracked, norm.weight, norm.bias }.OfType<Tensor>().ToArray();
    }
}

/// <summary>A model's folded batch norms (<see cref="BatchNormFolding.Fold"/>); disposing it unfolds them.</summary>
public sealed class FoldedInference : IDisposable
{
    private readonly IReadOnlyList<(nn.Module<Tensor, Tensor> Conv, BatchNorm2d Norm)> pairs;
    private bool disposed;

    internal FoldedInference(IReadOnlyList<(nn.Module<Tensor, Tensor> Conv, BatchNorm2d Norm)> pairs) => this.pairs = pairs;

    /// <summary>How many convolution–batch-norm pairs are folded (an int8 one only where its calibration allows it).</summary>
    public int Pairs => pairs.Count;

    /// <inheritdoc />
    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            BatchNormFolding.Release(this, pairs);
        }
    }
}
