using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl;

// The batch norm after an int8 convolution folded into it for eval inference (BatchNormFolding.Fold), as PyTorch fuses
// conv and bn before it quantises. Per output channel the norm is y = a·z + s with a = γ/√(σ² + ε) and s = β − μ·a, so
// the folded convolution has weight scales |a|·scale (the int8 values negated where a < 0) and bias a·b + s: the stored
// int8 weight and the state dict are not changed, only what is packed. Calibrated, the folded kernel requantises its
// output at the range the calibration saw after the norm (ActivationRange.FoldedOutput), so one int8 kernel replaces
// the kernel's dequantise, the norm's pass and the requantise. Uncalibrated, it convolves with the folded dequantised
// weight in float32. A folded forward is only used through ModelDsl.Forward in eval mode; a forward called directly is
// the unfolded one, since the norm then runs as well.
public sealed partial class Int8Conv2d
{
    // The norm whose output the calibration also observed, and its tensors and this layer's then: the folded range holds
    // while neither changed.
    private (BatchNorm2d Norm, TensorState Versions)? calibratedNorm;
    private NormFold? fold;

    /// <summary>Whether a batch norm is folded into this layer (<see cref="BatchNormFolding.Fold"/>).</summary>
    internal bool IsFolded => fold is not null;

    // The norm folded into this layer, if any.
    internal BatchNorm2d? FoldedNorm => fold?.Norm;

    // Whether the int8 kernel can run with `norm` folded in: the calibration saw the output after that very norm, and
    // neither has changed since. Otherwise a calibrated layer folds nothing (a float fold would lose its int8 kernel).
    internal bool CanFold(BatchNorm2d norm) => CanFoldAt(norm, State(norm));

    private bool CanFoldAt(BatchNorm2d norm, TensorState now) =>
        Calibration is null || (calibratedNorm is { } c && ReferenceEquals(c.Norm, norm) && c.Versions == now);

    /// <summary>Folds <paramref name="norm"/> into this layer; false (nothing folded) when <see cref="CanFold"/> is not.</summary>
    internal bool Fold(BatchNorm2d norm)
    {
        if (!CanFold(norm))
        {
            return false;
        }

        Unfold();
        fold = new NormFold(norm);
        return true;
    }

    internal void Unfold()
    {
        fold?.Dispose();
        fold = null;
    }

    /// <summary>
    /// The convolution followed by its folded norm, in one int8 kernel when calibrated for it. While a calibration pass
    /// observes, or after the norm or the weights changed since the calibration, the unfolded convolution and the norm.
    /// </summary>
    internal Tensor ForwardFolded(Tensor input)
    {
        var current = fold ?? throw new InvalidOperationException($"{Describe()}: no batch norm is folded into it");
        CheckInput(input);

        // The tensors' state, read once a forward: for the calibration's check and for what is made from them.
        var now = State(current.Norm);
        if (Observing || !CanFoldAt(current.Norm, now))
        {
            using var unfolded = forward(input);
            return EvalNorm(current.Norm, unfolded);
        }

        if (kernel is null)
        {
            // float32 compute: the dequantised weight with the norm folded in, made again when either changed.
            var (weight, bias) = current.FloatWeights(this, now);
            if (weight.dtype == input.dtype && weight.device == input.device)
            {
                return nn.functional.conv2d(input, weight, bias, stride, padding, dilation, Groups);
            }

            using var convertedWeight = weight.to(input.dtype, input.device);
            using var convertedBias = bias.to(input.dtype, input.device);
            return nn.functional.conv2d(input, convertedWeight, convertedBias, stride, padding, dilation, Groups);
        }

        if (input.dtype != ScalarType.Float32 || input.device_type != DeviceType.CPU)
        {
            throw new ArgumentException($"{Describe()} is calibrated for int8 compute, which runs on CPU float32 input, got {input.dtype} on {input.device}; call ClearCalibration() to compute with the dequantised weight in the input's type");
        }

        var (outputScale, outputZeroPoint) = Calibration!.FoldedOutput!.Value;
        return current.Kernel(this, now).invoke<Tensor>(Int8ConvKernels.Conv, input, inputQuantization.Scale, inputQuantization.ZeroPoint, outputScale, outputZeroPoint);
    }

    // The norm in eval mode (running statistics), as BatchNorm2d computes it.
    private static Tensor EvalNorm(BatchNorm2d norm, Tensor x) =>
        nn.functional.batch_norm(x, norm.running_mean, norm.running_var, norm.weight, norm.bias, training: false, momentum: 0, eps: norm.eps);

    private void CalibratedWith(BatchNorm2d? norm) => calibratedNorm = norm is null ? null : (norm, State(norm));

    private TensorState State(BatchNorm2d norm) => TensorState.Of(Sources(norm));

    // num_batches_tracked too, which every training-mode forward increments in place (as BatchNormFolding checks it).
    private Tensor[] Sources(BatchNorm2d norm) =>
        new[] { Weight, WeightScale, Bias, norm.running_mean, norm.running_var, norm.num_batches_tracked, norm.weight, norm.bias }.OfType<Tensor>().ToArray();

    // The per-channel a and a·b + s of the norm, and what is made from them on demand (each dropped when the tensors
    // they came from change).
    // Eval forwards of one model may run on several threads at once (a server's requests): what is made is made under
    // a lock, and what a change of the tensors makes stale is left to its finalizer, not disposed, since another thread
    // may be convolving with it right now (as BatchNormFolding does with a plain convolution's folded tensors).
    private sealed class NormFold(BatchNorm2d norm) : IDisposable
    {
        private readonly Lock gate = new();
        private (Tensor Weight, Tensor Bias, TensorState Versions)? floatWeights;
        private (jit.ScriptModule Module, TensorState Versions)? kernel;

        public BatchNorm2d Norm { get; } = norm;

        // `versions`: the state of the layer's and the norm's tensors now.
        public (Tensor Weight, Tensor Bias) FloatWeights(Int8Conv2d layer, TensorState versions)
        {
            lock (gate)
            {
                if (floatWeights is not { } made || made.Versions != versions)
                {
                    using var scope = NewDisposeScope();
                    using var noGrad = no_grad();
                    var (scale, bias) = BatchNormFolding.NormAffine(Norm, layer.Bias);
                    var weight = layer.Dequantize().mul_(scale.view(-1, 1, 1, 1));
                    made = (weight.DetachFromDisposeScope(), bias.DetachFromDisposeScope(), versions);
                    floatWeights = made;
                }

                return (made.Weight, made.Bias);
            }
        }

        public jit.ScriptModule Kernel(Int8Conv2d layer, TensorState versions)
        {
            lock (gate)
            {
                if (kernel is not { } made || made.Versions != versions)
                {
                    made = (Pack(layer), versions);
                    kernel = made;
                }

                return made.Module;
            }
        }

        // Weights and bias changed (Refresh), or the fold ends: freed now, made again at the next folded forward.
        public void Invalidate()
        {
            lock (gate)
            {
                DisposeFloat();
                DisposeKernel();
            }
        }

        public void Dispose() => Invalidate();

        // A negative a flips the channel: its int8 values are negated (−128 becomes 127, one step off) and its scale
        // stays positive, as the kernel needs; a zero a leaves the bias alone.
        private jit.ScriptModule Pack(Int8Conv2d layer)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (scale, bias) = BatchNormFolding.NormAffine(Norm, layer.Bias);
            var sign = scale.sign().to(ScalarType.Int32).view(-1, 1, 1, 1);
            var weight = layer.Weight.to(ScalarType.Int32).mul(sign).clamp(-128, 127).to(ScalarType.Int8);
            var scales = layer.WeightScale.mul(scale.abs()).clamp_min(Int8Linear.Epsilon);
            return EmbeddedModules.LoadPacked(
                Int8ConvKernels.ResourceName,
                module =>
                {
                    using var packed = (Scalar)module.invoke(Int8ConvKernels.Pack, weight.contiguous(), scales.contiguous(), bias.contiguous(), layer.stride[0], layer.padding[0], layer.dilation[0], layer.Groups);
                    return packed.ToInt64();
                },
                layer.OutChannels,
                layer.Describe());
        }

        private void DisposeFloat()
        {
            if (floatWeights is { } made)
            {
                made.Weight.Dispose();
                made.Bias.Dispose();
                floatWeights = null;
            }
        }

        private void DisposeKernel()
        {
            kernel?.Module.Dispose();
            kernel = null;
        }
    }
}
