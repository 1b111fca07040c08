using System.Globalization;
using ModelDsl.Spec;
using static ModelDsl.Generators.Literals;

namespace ModelDsl.Generators;

// The TorchSharp constructor call for one inferred layer (torch.nn's factories; ModelDsl's own layers where TorchSharp
// has none): sizes come from shape inference (in channels, in features,
// normalised width), options from the resolved arguments, so the built module has exactly the inferred tensors.
internal static class LayerFactory
{
    private const string Torch = "global::TorchSharp.torch.nn.";
    private const string Runtime = "global::ModelDsl.";

    /// <summary>The constructor call, or null for a kind (or option) the runtime has no layer for.</summary>
    /// <param name="layer">The inferred layer.</param>
    /// <param name="inPlace">
    /// Whether a ReLU/ReLU6 may overwrite its input, as torchvision builds them (<c>inplace=True</c>): only where the
    /// input is an intermediate nothing else reads and whose producer's backward does not need it (see Construction).
    /// </param>
    /// <param name="weights">
    /// The weight precision of the class being built: an int8 or int4 variant's Linears (and an int8 variant's Conv2d) are the runtime's quantised
    /// layers (Quantization.Quantizes, the same rule its weight-byte constants use).
    /// </param>
    /// <param name="sparse">
    /// The sparse format of an N:M or Prune variant: the layers it replaces are the runtime's NMLinear / NMConv2d
    /// (compressed N:M storage) or SparseLinear (masked dense, CSR where faster).
    /// </param>
    public static string? New(LayerShape layer, bool inPlace = false, Spec.Precision weights = Spec.Precision.Float32, SparseFormat? sparse = null)
    {
        var input = layer.Input;
        return layer.Kind switch
        {
            LayerKind.Linear when sparse is { Kind: SparseKind.NM } nm && nm.Replaces(layer) =>
                Call("NMLinear", N(layer.Int("in")), N(layer.Int("out")), N(nm.N), N(nm.M), "hasBias: " + B(layer.Bool("bias"))),
            LayerKind.Linear when sparse is not null && sparse.Replaces(layer) =>
                Call("SparseLinear", N(layer.Int("in")), N(layer.Int("out")), "hasBias: " + B(layer.Bool("bias"))),
            LayerKind.Conv2d when sparse is { Kind: SparseKind.NM } nm && nm.Replaces(layer) => Call("NMConv2d", ConvArguments(layer, N(nm.N), N(nm.M))),
            LayerKind.Linear when Quantization.Quantizes(layer, weights) =>
                Call(weights == Spec.Precision.Int8 ? "Int8Linear" : "Int4Linear", N(layer.Int("in")), N(layer.Int("out")), "hasBias: " + B(layer.Bool("bias"))),
            LayerKind.ReLU or LayerKind.ReLU6 when inPlace => Torch + layer.Kind + "(inplace: true)",
            LayerKind.Linear => Torch + "Linear(" + N(layer.Int("in")) + ", " + N(layer.Int("out")) + ", hasBias: " + B(layer.Bool("bias")) + ")",
            LayerKind.Conv2d when Quantization.Quantizes(layer, weights) => Call("Int8Conv2d", ConvArguments(layer)),
            LayerKind.Conv1d or LayerKind.Conv2d => Torch + layer.Kind + "(" + ConvArguments(layer) + ")",
            LayerKind.BatchNorm1d or LayerKind.BatchNorm2d => Torch + layer.Kind + "(" + string.Join(
                ", ",
                new[] { N(input.Dims[0]), RealOption("eps", layer.Text("eps"), DefaultEps), RealOption("momentum", layer.Text("momentum"), "0.1") }.Where(a => a is not null)) + ")",
            LayerKind.LayerNorm when layer.Text("eps") == DefaultEps => Torch + "LayerNorm(" + N(input.Last) + ", bias: " + B(layer.Bool("bias")) + ")",
            LayerKind.LayerNorm => Torch + "LayerNorm(" + N(input.Last) + ", eps: " + Real(layer.Text("eps")) + ", bias: " + B(layer.Bool("bias")) + ")",
            LayerKind.GroupNorm => Torch + "GroupNorm(" + string.Join(
                ", ",
                new[] { N(layer.Int("groups")), N(input.Dims[0]), RealOption("eps", layer.Text("eps"), DefaultEps) }.Where(a => a is not null)) + ")",
            LayerKind.Embedding => Torch + "Embedding(" + N(layer.Int("vocab")) + ", " + N(layer.Int("dim")) + ")",
            LayerKind.Dropout => Torch + "Dropout(" + Real(layer.Text("p")) + ")",
            LayerKind.MaxPool2d when layer.Int("dilation") == 1 =>
                Torch + "MaxPool2d(" + N(layer.Int("kernel")) + ", stride: " + N(layer.Int("stride")) + ", padding: " + N(layer.Int("padding")) + ")",
            LayerKind.AvgPool2d => Torch + "AvgPool2d(" + N(layer.Int("kernel")) + ", stride: " + N(layer.Int("stride")) + ", padding: " + N(layer.Int("padding")) + ")",
            LayerKind.AdaptiveAvgPool2d => Torch + "AdaptiveAvgPool2d(" + N(layer.Int("size")) + ")",
            LayerKind.Permute when layer.Int("dim2") == -1 => Call("Permute", N(layer.Int("dim0")), N(layer.Int("dim1"))),
            LayerKind.Permute => Call("Permute", N(layer.Int("dim0")), N(layer.Int("dim1")), N(layer.Int("dim2"))),
            LayerKind.PatchMerging => Call("PatchMerging", Parts(layer, N(input.Last), "normFirst: " + B(layer.Bool("norm_first")))),
            LayerKind.ShiftedWindowAttentionV2 =>
                Call("ShiftedWindowAttentionV2", Parts(layer, N(input.Last), N(layer.Int("heads")), N(layer.Int("window")), N(layer.Int("shift")))),
            LayerKind.ChannelShuffle => Torch + "ChannelShuffle(" + N(layer.Int("groups")) + ")",
            LayerKind.Flatten or LayerKind.ReLU or LayerKind.ReLU6 or LayerKind.GELU or LayerKind.SiLU or LayerKind.Sigmoid or LayerKind.Tanh or
                LayerKind.Hardswish or LayerKind.Hardsigmoid =>
                Torch + layer.Kind + "()",
            LayerKind.Softmax or LayerKind.LogSoftmax => Torch + layer.Kind + "(" + N(BatchDim(layer.Int("dim"))) + ")",
            // A head-pruned attention keeps the dense head width, so its heads no longer divide the model width evenly.
            LayerKind.MultiheadAttention when layer.Text("layout") == "torch" && layer.Int("head_dim") > 0 && layer.Int("heads") * layer.Int("head_dim") != input.Last => Call(
                "MultiheadAttention",
                Parts(layer, N(input.Last), N(layer.Int("heads")), "bias: " + B(layer.Bool("bias")), "causal: " + B(layer.Bool("causal")), "headDim: " + N(layer.Int("head_dim")))),
            LayerKind.MultiheadAttention when layer.Text("layout") == "torch" => Call(
                "MultiheadAttention",
                Parts(layer, N(input.Last), N(layer.Int("heads")), "bias: " + B(layer.Bool("bias")), "causal: " + B(layer.Bool("causal")))),
            LayerKind.MultiheadAttention when layer.Text("layout") == "gpt2" && layer.Bool("causal") => Call(
                "CausalSelfAttention",
                Parts(layer, N(input.Last), N(layer.Int("heads")), "bias: " + B(layer.Bool("bias")))),
            LayerKind.RMSNorm => Call("RMSNorm", N(input.Last)),
            LayerKind.PatchEmbedding => Call("PatchEmbedding", N(input.Dims[0]), N(layer.Int("dim")), N(layer.Int("patch")), "bias: " + B(layer.Bool("bias"))),
            LayerKind.ClassToken => Call("ClassToken", N(input.Last)),
            LayerKind.LayerScale => Call("LayerScale", N(input.Rank == 3 ? input.Dims[0] : input.Last), "image: " + B(input.Rank == 3), "value: " + Real(layer.Text("value"))),
            LayerKind.LayerNorm2d => Call("LayerNorm2d", N(input.Dims[0]), "eps: " + Real(layer.Text("eps"))),
            LayerKind.PositionEmbedding when layer.Text("layout") == "parameter" => Call("PositionParameter", N(layer.Int("max_len")), N(input.Last)),
            LayerKind.PositionEmbedding when layer.Text("layout") == "embedding" => Call("PositionEmbedding", N(layer.Int("max_len")), N(input.Last)),
            LayerKind.TakeToken => Call("TakeToken", N(layer.Int("index"))),

            // The model's constructor builds its layers in order, so the embedding is registered (at its full path) by now.
            LayerKind.TiedLinear => Call("TiedLinear", "this.get_parameter(" + Quote(layer.Text("tied_to") + ".weight") + ")!", "bias: " + B(layer.Bool("bias"))),
            LayerKind.Mamba => Call(
                "Mamba",
                N(input.Last),
                "dState: " + N(layer.Int("d_state")),
                "dConv: " + N(layer.Int("d_conv")),
                "expand: " + N(layer.Int("expand")),
                "dtRank: " + N(layer.Int("dt_rank")),
                Parts(layer, "convBias: " + B(layer.Bool("conv_bias")), "bias: " + B(layer.Bool("bias")))),
            LayerKind.Custom => Custom(layer),
            _ => null,
        };
    }

    // The user's module with its evaluated constructor arguments, wrapped in the runtime's check of what its [Custom]
    // declares (parameter count now, output shape at every forward).
    private static string Custom(LayerShape layer)
    {
        var arguments = new List<string>();
        for (var i = 0; layer.Arguments.Any(a => a.Name == "arg" + N(i)); i++)
        {
            var argument = layer.Arguments.First(a => a.Name == "arg" + N(i));
            arguments.Add(argument.Text is null ? N(argument.Value) : argument.Text is "true" or "false" ? argument.Text : Real(argument.Text));
        }

        return Runtime + "CustomLayer.Checked(new " + layer.Text("type") + "(" + string.Join(", ", arguments) + "), " + Quote(layer.Path) +
            ", parameters: " + N(layer.Int("parameters")) + ", output: [" + string.Join(", ", layer.Output.Dims.Select(d => N(d))) + "])";
    }

    // The arguments, then a composite layer's declared inner names (InnerNames) as its constructor's named parameters
    // (qkv_name → qkvName: "qkv"); a part left at the reference module's name is not written.
    private static string Parts(LayerShape layer, params string[] arguments)
    {
        var layout = layer.Kind == LayerKind.MultiheadAttention ? layer.Text("layout") : string.Empty;
        var names = InnerNames.Parts(layer.Kind, layout)
            .Where(part => layer.Text(part.Argument).Length > 0)
            .Select(part => CamelCase(part.Argument) + ": " + Quote(layer.Text(part.Argument)));
        return string.Join(", ", arguments.Concat(names));
    }

    // snake_case to the camelCase of a C# parameter: cpb_mlp_name → cpbMlpName.
    private static string CamelCase(string snake)
    {
        var words = snake.Split('_');
        return words[0] + string.Concat(words.Skip(1).Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w.Substring(1)));
    }

    // A convolution's sizes and options, as nn.Conv1d/Conv2d and ModelDsl's Int8Conv2d both take them.
    // NMConv2d takes its pattern (N, M) after the kernel.
    private static string ConvArguments(LayerShape layer, params string[] pattern) => string.Join(
        ", ",
        new[]
        {
            N(layer.Int("in")),
            N(layer.Int("out")),
            N(layer.Int("kernel")),
        }.Concat(pattern).Concat(new[]
        {
            Option("stride", layer.Int("stride"), 1),
            Option("padding", layer.Int("padding"), 0),
            Option("dilation", layer.Int("dilation"), 1),
            Option("groups", layer.Int("groups"), 1),
            "bias: " + B(layer.Bool("bias")),
        }).Where(a => a is not null));

    // A named argument where it differs from TorchSharp's default, as hand-written code has it (and a literal 0 padding
    // would be ambiguous with the Padding enum overload).
    private static string? Option(string name, long value, long defaultValue) => value == defaultValue ? null : name + ": " + N(value);

    // A real option where it differs from PyTorch's default (compared as the spec resolves both, "R" format).
    private static string? RealOption(string name, string value, string defaultValue) => value == defaultValue ? null : name + ": " + Real(value);

    // A real as the spec resolves it ("R" format): always a valid C# double literal once it has a decimal point or exponent.
    private static string Real(string text) => text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";

    /// <summary>The layer's resolved options as <c>name = value</c>, for a diagnostic on a layer <see cref="New"/> cannot build.</summary>
    public static string Options(LayerShape layer) =>
        string.Join(", ", layer.Arguments.Select(a => a.Name + " = " + (a.Text ?? a.Value.ToString(CultureInfo.InvariantCulture))));

    // PyTorch's default LayerNorm eps as the spec resolves it (round-trip format); only another value is written out.
    private const string DefaultEps = "1E-05";


    // The spec counts dimensions per sample; the runtime's tensors have the batch first.
    private static long BatchDim(long dim) => dim >= 0 ? dim + 1 : dim;

    private static string Call(string type, params string[] args) => "new " + Runtime + type + "(" + string.Join(", ", args) + ")";

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string B(bool value) => value ? "true" : "false";
}
