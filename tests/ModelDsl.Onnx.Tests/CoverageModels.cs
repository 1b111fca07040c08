namespace ModelDsl.Onnx.Tests;

// Small models declared with the DSL that between them use every layer kind the ONNX export maps, with the options
// that take a different mapping (a gate, an adaptive pool that upsamples, a causal mask, a bias-free LayerNorm …).

/// <summary>
/// VGG-11's convolutional stack on a 32×32 input: its AdaptiveAvgPool2d(7) meets a 1×1 map and upsamples. Its 2:4 variant
/// stores every convolution but the first and both Linears compressed.
/// </summary>
[Model(InputShape = [3, 32, 32])]
[Variant("Nm24", Sparsity = "2:4")]
public partial class SmallVgg11
{
    [Conv2d(16, Kernel = 3, Padding = 1), ReLU, MaxPool2d(2)]
    [Conv2d(32, Kernel = 3, Padding = 1), ReLU, MaxPool2d(2)]
    [Conv2d(32, Kernel = 3, Padding = 1), ReLU, Conv2d(32, Kernel = 3, Padding = 1), ReLU, MaxPool2d(2)]
    [Conv2d(64, Kernel = 3, Padding = 1), ReLU, Conv2d(64, Kernel = 3, Padding = 1), ReLU, MaxPool2d(2)]
    [Conv2d(64, Kernel = 3, Padding = 1), ReLU, Conv2d(64, Kernel = 3, Padding = 1), ReLU, MaxPool2d(2)]
    public partial Layer Features { get; }

    [AdaptiveAvgPool2d(7), Flatten] public partial Layer Pool { get; }

    [Linear(32), ReLU, Dropout(0.5), Linear(10)] public partial Layer Classifier { get; }
}

/// <summary>torchvision's SqueezeExcitation: a gate (a multiplying residual) whose branch output broadcasts over its input.</summary>
[Block("squeeze")]
[Residual(Combine = Combine.Multiply)]
public partial class Excite
{
    [AdaptiveAvgPool2d(1)] public partial Layer Avgpool { get; }

    [Conv2d("squeeze", Kernel = 1)] public partial Layer Fc1 { get; }

    [ReLU] public partial Layer Activation { get; }

    [Conv2d("in_channels", Kernel = 1)] public partial Layer Fc2 { get; }

    [Hardsigmoid] public partial Layer ScaleActivation { get; }
}

/// <summary>GroupNorm, SiLU, a gate, Hardswish, average pooling, a padded max pool, a depthwise conv, an adaptive pool that does not divide, Tanh, Sigmoid, LogSoftmax.</summary>
[Model(InputShape = [3, 24, 24])]
public partial class ImageCoverage
{
    [Conv2d(8, Kernel = 3, Padding = 1), GroupNorm(2), SiLU] public partial Layer Stem { get; }

    [Block(typeof(Excite), "squeeze = 4")] public partial Layer Se { get; }

    [Hardswish, AvgPool2d(2), Conv2d(8, Kernel = 3, Padding = 1, Depthwise = true, Bias = false), BatchNorm2d(Eps = 1e-3)] public partial Layer Body { get; }

    [MaxPool2d(3, Stride = 1, Padding = 1), AdaptiveAvgPool2d(3), Flatten] public partial Layer Pool { get; }

    [Linear(16), Tanh, Linear(12), Sigmoid, Linear(5), LogSoftmax] public partial Layer Head { get; }
}

/// <summary>A signal [C, L]: Conv1d, BatchNorm1d, ReLU6, Softmax.</summary>
[Model(InputShape = [4, 32], Kind = InputKind.Signal)]
public partial class SignalCoverage
{
    [Conv1d(8, Kernel = 5, Stride = 2, Padding = 2), BatchNorm1d, ReLU6, Flatten, Linear(6), Softmax] public partial Layer Net { get; }
}

/// <summary>A sequence [T, D]: RMSNorm, causal torch-layout attention, LayerNorm without bias, GELU.</summary>
[Model(InputShape = [12, 32], Kind = InputKind.Sequence)]
public partial class SequenceCoverage
{
    [RMSNorm, MultiheadAttention(4, Causal = true), LayerNorm(Bias = false), Linear(64), GELU, Linear(32)] public partial Layer Mixer { get; }
}

/// <summary>Attention with renamed parts (timm's qkv/proj as Linears; a causal one with its own names): the export reads them.</summary>
[Model(InputShape = [12, 32], Kind = InputKind.Sequence)]
public partial class RenamedAttentionCoverage
{
    [LayerNorm, MultiheadAttention(4, QkvName = "qkv", ProjName = "proj"), CausalSelfAttention(4, QkvName = "to_qkv", ProjName = "out")]
    public partial Layer Mixer { get; }
}

/// <summary>
/// Two Mamba blocks: one with projection biases, no convolution bias, state 4, a width-3 convolution, no expansion and a
/// rank-3 Δ; then the defaults (a convolution bias, no projection biases, Δ of rank ⌈16 / 16⌉ = 1, state 16, width 4).
/// </summary>
[Model(InputShape = [8, 16], Kind = InputKind.Sequence)]
public partial class MambaCoverage
{
    [Linear(16)] public partial Layer Proj { get; }

    [Mamba(DState = 4, DConv = 3, Expand = 1, DtRank = 3, Bias = true, ConvBias = false)] public partial Layer Biased { get; }

    [Mamba] public partial Layer Mixer { get; }
}

/// <summary>A user's own TorchSharp module: the generator cannot see inside it, so there is no ONNX graph to write.</summary>
public sealed class Scale2 : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
{
    /// <summary>Creates the module.</summary>
    public Scale2()
        : base(nameof(Scale2))
    {
    }

    /// <inheritdoc />
    public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor input) => input * 2;
}

/// <summary>A [Custom] layer has no ONNX mapping: its export fails naming the layer.</summary>
[Model(InputShape = [8])]
public partial class CustomCoverage
{
    [Linear(8)] public partial Layer Fc { get; }

    [Custom(typeof(Scale2))] public partial Layer Scale { get; }
}

/// <summary>
/// A user's per-channel affine map (y = x·γ + β, one γ and β per channel, then halved) that writes its own ONNX nodes:
/// Mul and Add with its parameters broadcast as [C, 1, 1], then Mul by a 0.5 constant.
/// </summary>
public sealed class ChannelAffine : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>, ModelDsl.Onnx.IOnnxExportable
{
    private readonly TorchSharp.Modules.Parameter gamma;
    private readonly TorchSharp.Modules.Parameter beta;

    /// <summary>γ = 1 + 0.1·c and β = 0.05·c over <paramref name="channels"/> channels (not the identity, so a lost node shows).</summary>
    public ChannelAffine(long channels)
        : base(nameof(ChannelAffine))
    {
        gamma = TorchSharp.torch.nn.Parameter(TorchSharp.torch.arange(channels, TorchSharp.torch.float32).mul(0.1).add(1).view(-1, 1, 1));
        beta = TorchSharp.torch.nn.Parameter(TorchSharp.torch.arange(channels, TorchSharp.torch.float32).mul(0.05).view(-1, 1, 1));
        register_parameter("gamma", gamma);
        register_parameter("beta", beta);
    }

    /// <inheritdoc />
    public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor input) => input.mul(gamma).add(beta).mul(0.5);

    /// <inheritdoc />
    public string ExportOnnx(ModelDsl.Onnx.OnnxCustomLayer layer, string input)
    {
        var scaled = layer.Node("Mul", [input, layer.Weight("gamma")]);
        var shifted = layer.Node("Add", [scaled, layer.Weight("beta")]);
        return layer.Node("Mul", [shifted, layer.Constant([0.5f])]);
    }
}

/// <summary>A module whose ONNX mapping asks for a tensor it does not have (a typo in its own name).</summary>
public sealed class MisnamedExport : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>, ModelDsl.Onnx.IOnnxExportable
{
    /// <summary>Creates the module.</summary>
    public MisnamedExport()
        : base(nameof(MisnamedExport))
    {
    }

    /// <inheritdoc />
    public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor input) => input * 2;

    /// <inheritdoc />
    public string ExportOnnx(ModelDsl.Onnx.OnnxCustomLayer layer, string input) => layer.Node("Mul", [input, layer.Weight("scale")]);
}

/// <summary>A model whose custom layer's ONNX mapping is wrong: the export fails naming the layer and writes nothing.</summary>
[Model(InputShape = [8])]
public partial class MisnamedCustomCoverage
{
    [Linear(8)] public partial Layer Fc { get; }

    [Custom(typeof(MisnamedExport))] public partial Layer Twice { get; }
}

/// <summary>
/// A [Custom] layer whose module implements IOnnxExportable: the model exports, the module writing its nodes; its int8
/// variant's QDQ export does not take them.
/// </summary>
[Model(InputShape = [3, 8, 8])]
[Variant("Int8", Weights = Precision.Int8)]
public partial class ExportableCustomCoverage
{
    [Conv2d(4, Kernel = 3, Padding = 1)] public partial Layer Conv { get; }

    [Custom(typeof(ChannelAffine), "in0", Parameters = "2 * in0", Flops = "3 * in0 * in1 * in2")] public partial Layer Affine { get; }

    [ReLU, Flatten, Linear(10)] public partial Layer Head { get; }
}

/// <summary>A perceptron wide enough for a rank-8 factorisation to pay (64·256 weights against 8·(64 + 256)), and its int4 variant.</summary>
[Model(InputShape = [64])]
[Variant("Lr", Rank = 8)]
[Variant("Int4", Weights = Precision.Int4)]
public partial class WideMlp
{
    /// <summary>Hidden layer.</summary>
    [Linear(256), ReLU] public partial Layer Hidden { get; }

    /// <summary>Classifier.</summary>
    [Linear(10)] public partial Layer Output { get; }
}

/// <summary>A per-token MLP on a sequence [T, D] and its int8 variant: its Linears export as MatMul with the int8 weight transposed.</summary>
[Model(InputShape = [12, 32], Kind = InputKind.Sequence)]
[Variant("Int8", Weights = Precision.Int8)]
public partial class TokenMlp
{
    /// <summary>Expansion, ReLU, projection.</summary>
    [Linear(64), ReLU, Linear(32)] public partial Layer Mlp { get; }
}

/// <summary>One int8 convolution group without a ReLU (its BatchNorm folded into the QDQ convolution), for the sign-folding test.</summary>
[Model(InputShape = [3, 8, 8])]
[Variant("Int8", Weights = Precision.Int8)]
public partial class ConvNorm
{
    /// <summary>Conv2d and the BatchNorm2d the export folds into it.</summary>
    [Conv2d(8, Kernel = 3, Padding = 1), BatchNorm2d] public partial Layer Features { get; }
}

/// <summary>
/// Attention and an MLP whose variant keeps 2 of 4 heads (head width 4, inner width 8 below the model width 16) and 32
/// of 64 hidden neurons: the export must split q, k, v at the inner width.
/// </summary>
[Model(InputShape = [5, 16])]
[Variant("Half", KeepHeads = 0.5, KeepHidden = 0.5)]
public partial class HeadPrunedSeq
{
    [MultiheadAttention(4)] public partial Layer Attn { get; }

    [Linear(64), GELU, Linear(16)] public partial Layer Mlp { get; }
}
