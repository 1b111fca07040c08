// One model per input kind that together use every layer attribute, so that every runtime constructor call the
// generator writes is compiled and run, and every shape rule is checked against the runtime's actual output.
namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>Image layers.</summary>
[Model(InputShape = [3, 16, 16])]
public partial class ImageLayers
{
    /// <summary>Convolution, batch norm, ReLU6; then MobileNetV3's norm options and activations.</summary>
    [Conv2d(8, Kernel = 3, Padding = 1), BatchNorm2d, ReLU6, Conv2d(8, Kernel = 1), BatchNorm2d(Eps = 0.001, Momentum = 0.01), Hardswish, Hardsigmoid] public partial Layer Stem { get; }

    /// <summary>Depthwise, grouped and dilated convolutions.</summary>
    [Conv2d(Depthwise = true, Kernel = 3, Padding = 1), Conv2d(8, Kernel = 3, Padding = 2, Dilation = 2, Groups = 2, Bias = false)] public partial Layer Convs { get; }

    /// <summary>Group norm, SiLU, max pooling.</summary>
    [GroupNorm(2, Eps = 0.001), SiLU, MaxPool2d(3, Stride = 2, Padding = 1)] public partial Layer Down { get; }

    /// <summary>Average pooling with a stride other than the window.</summary>
    [AvgPool2d(3, Stride = 1, Padding = 1)] public partial Layer Smooth { get; }

    /// <summary>Head through every activation.</summary>
    [AdaptiveAvgPool2d(2), Flatten, Linear(16), GELU, Dropout(0.1), Linear(10), Tanh, Sigmoid, Softmax] public partial Layer Head { get; }
}

/// <summary>Signal layers.</summary>
[Model(InputShape = [2, 32], Kind = global::ModelDsl.InputKind.Signal)]
public partial class SignalLayers
{
    /// <summary>1-d convolution and batch norm.</summary>
    [Conv1d(4, Kernel = 3, Stride = 2, Padding = 1), BatchNorm1d, ReLU] public partial Layer Conv { get; }

    /// <summary>Log-probabilities.</summary>
    [Flatten, Linear(8), LogSoftmax(Dim = 0)] public partial Layer Head { get; }
}

/// <summary>Token layers.</summary>
[Model(SequenceLength = 8, Vocabulary = 50)]
public partial class TokenLayers
{
    /// <summary>Token embedding.</summary>
    [Embedding(16)] public partial Layer Wte { get; }

    /// <summary>Norms around causal attention.</summary>
    [LayerNorm(Bias = false), MultiheadAttention(4, Causal = true, Bias = false), RMSNorm] public partial Layer Mixer { get; }

    /// <summary>Logits over the vocabulary.</summary>
    [Linear(50, Bias = false)] public partial Layer Head { get; }
}

/// <summary>Vector layers.</summary>
[Model(InputShape = [12])]
public partial class VectorLayers
{
    /// <summary>Batch norm on features.</summary>
    [BatchNorm1d, Linear(4)] public partial Layer Body { get; }
}

/// <summary>Sequence mixers: nanoGPT-layout causal attention and Mamba.</summary>
[Model(InputShape = [8, 16])]
public partial class SequenceLayers
{
    /// <summary>Causal attention without biases.</summary>
    [CausalSelfAttention(4, Bias = false)] public partial Layer Attn { get; }

    /// <summary>A Mamba mixer with a small state.</summary>
    [Mamba(DState = 8, Expand = 2)] public partial Layer Mixer { get; }
}
