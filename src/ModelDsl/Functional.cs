using ModelDsl.Native;

namespace ModelDsl;

/// <summary>
/// Stateless neural-network operations (PyTorch's <c>torch.nn.functional</c>). Layers are thin wrappers
/// over these; hand-written and generated forwards can call them directly. Optional tensors (bias,
/// running statistics) may be null.
/// </summary>
public static unsafe class Functional
{
    private static Tensor Result(int status, nint result) => Tensor.From(status, result);

    /// <summary>y = x Wᵀ + b.</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) =>
        Result(NativeMethods.mdsl_linear(input.Native, weight.Native, bias?.Native ?? 0, out var r), r);

    /// <summary>relu(x Wᵀ + b) in one native call.</summary>
    public static Tensor LinearRelu(Tensor input, Tensor weight, Tensor? bias = null) =>
        Result(NativeMethods.mdsl_linear_relu(input.Native, weight.Native, bias?.Native ?? 0, out var r), r);

    /// <summary>1-d convolution of [N, C, L] (or [C, L]) input.</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0, long dilation = 1, long groups = 1)
    {
        long s = stride, p = padding, d = dilation;
        return Result(NativeMethods.mdsl_conv(1, input.Native, weight.Native, bias?.Native ?? 0, &s, &p, &d, groups, out var r), r);
    }

    /// <summary>2-d convolution of [N, C, H, W] (or [C, H, W]) input.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, Size2 stride = default, Size2 padding = default, Size2 dilation = default, long groups = 1)
    {
        var s = stride == default ? (Size2)1L : stride;
        var d = dilation == default ? (Size2)1L : dilation;
        long* sv = stackalloc long[] { s.Height, s.Width };
        long* pv = stackalloc long[] { padding.Height, padding.Width };
        long* dv = stackalloc long[] { d.Height, d.Width };
        return Result(NativeMethods.mdsl_conv(2, input.Native, weight.Native, bias?.Native ?? 0, sv, pv, dv, groups, out var r), r);
    }

    /// <summary>Batch normalization; in training it uses batch statistics and updates the running ones with <paramref name="momentum"/>.</summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias, bool training, double momentum = 0.1, double eps = 1e-5) =>
        Result(NativeMethods.mdsl_batch_norm(input.Native, weight?.Native ?? 0, bias?.Native ?? 0, runningMean?.Native ?? 0, runningVar?.Native ?? 0, training ? 1 : 0, momentum, eps, out var r), r);

    /// <summary>Layer normalization over the trailing <paramref name="normalizedShape"/> dimensions.</summary>
    public static Tensor LayerNorm(Tensor input, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        fixed (long* shape = normalizedShape)
        {
            return Result(NativeMethods.mdsl_layer_norm(input.Native, shape, normalizedShape.Length, weight?.Native ?? 0, bias?.Native ?? 0, eps, out var r), r);
        }
    }

    /// <summary>Group normalization of [N, C, *] input into <paramref name="groups"/> groups of channels.</summary>
    public static Tensor GroupNorm(Tensor input, long groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        Result(NativeMethods.mdsl_group_norm(input.Native, groups, weight?.Native ?? 0, bias?.Native ?? 0, eps, out var r), r);

    /// <summary>RMS normalization over the trailing <paramref name="dims"/> dimensions: x / sqrt(mean(x²) + eps) · weight.</summary>
    public static Tensor RmsNorm(Tensor input, int dims, Tensor? weight, double eps) =>
        Result(NativeMethods.mdsl_rms_norm(input.Native, dims, weight?.Native ?? 0, eps, out var r), r);

    /// <summary>Rows of <paramref name="weight"/> at the int64 <paramref name="indices"/>.</summary>
    public static Tensor Embedding(Tensor indices, Tensor weight, long paddingIdx = -1) =>
        Result(NativeMethods.mdsl_embedding(weight.Native, indices.Native, paddingIdx, out var r), r);

    /// <summary>Zeroes elements with probability <paramref name="p"/> and scales the rest by 1/(1−p) when training.</summary>
    public static Tensor Dropout(Tensor input, double p, bool training) =>
        Result(NativeMethods.mdsl_dropout(input.Native, p, training ? 1 : 0, out var r), r);

    /// <summary>2-d max pooling; the stride defaults to the kernel size.</summary>
    public static Tensor MaxPool2d(Tensor input, Size2 kernel, Size2? stride = null, Size2 padding = default, bool ceilMode = false) =>
        Pool(0, input, kernel, stride ?? kernel, padding, ceilMode, countIncludePad: true);

    /// <summary>2-d average pooling; the stride defaults to the kernel size.</summary>
    public static Tensor AvgPool2d(Tensor input, Size2 kernel, Size2? stride = null, Size2 padding = default, bool ceilMode = false, bool countIncludePad = true) =>
        Pool(1, input, kernel, stride ?? kernel, padding, ceilMode, countIncludePad);

    private static Tensor Pool(int kind, Tensor input, Size2 kernel, Size2 stride, Size2 padding, bool ceilMode, bool countIncludePad)
    {
        long* k = stackalloc long[] { kernel.Height, kernel.Width };
        long* s = stackalloc long[] { stride.Height, stride.Width };
        long* p = stackalloc long[] { padding.Height, padding.Width };
        return Result(NativeMethods.mdsl_pool2d(kind, input.Native, k, s, p, ceilMode ? 1 : 0, countIncludePad ? 1 : 0, out var r), r);
    }

    /// <summary>Average pooling to a fixed output size.</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, Size2 outputSize) =>
        Result(NativeMethods.mdsl_adaptive_avg_pool2d(input.Native, outputSize.Height, outputSize.Width, out var r), r);

    /// <summary>Mean cross-entropy of logits [N, C] against int64 class indices [N].</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target) =>
        Result(NativeMethods.mdsl_loss((int)LossKind.CrossEntropy, logits.Native, target.Native, out var r), r);

    /// <summary>Mean negative log-likelihood of log-probabilities [N, C] against int64 class indices [N].</summary>
    public static Tensor NllLoss(Tensor logProbabilities, Tensor target) =>
        Result(NativeMethods.mdsl_loss((int)LossKind.Nll, logProbabilities.Native, target.Native, out var r), r);

    /// <summary>Mean squared error.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target) =>
        Result(NativeMethods.mdsl_loss((int)LossKind.Mse, input.Native, target.Native, out var r), r);

    /// <summary>
    /// softmax(q kᵀ / √d + mask) v over [.., L, d] inputs, with an optional causal mask (position i sees
    /// positions ≤ i) and dropout on the attention weights.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, bool causal = false, double dropout = 0, bool training = false)
    {
        using var scope = Torch.NewDisposeScope();
        // Scale q before the product, as PyTorch's multi_head_attention_forward does: same rounding, same result.
        var scores = (query / Math.Sqrt(query.Size(-1))).MatMul(key.Transpose(-2, -1));
        if (causal)
        {
            var l = query.Size(-2);
            var s = key.Size(-2);
            var future = Tensor.Ones([l, s], DType.Bool, query.Device).Triu(1 + s - l);
            scores = scores.MaskedFill(future, double.NegativeInfinity);
        }
        var weights = scores.Softmax(-1);
        if (dropout > 0 && training)
        {
            weights = Dropout(weights, dropout, true);
        }
        return scope.MoveToOuter(weights.MatMul(value));
    }
}
