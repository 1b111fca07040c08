using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl.Benchmarks.ZooSpeed;

/// <summary>
/// A lower bound on any fp32 ResNet-18 forward built on libtorch's convolutions: only its convolutions, max pool,
/// average pool and classifier, with every batch norm folded into its convolution, the weights reordered once into
/// oneDNN's blocked layout (what PyTorch's <c>optimize_for_inference</c> does) and the activations kept in that layout
/// — and no ReLU, no residual add, no norm. Its logits are wrong by design; it only times what a ResNet-18 cannot do
/// without. The oneDNN calls are aten operators reachable only through TorchScript, so they run from fixed scripts.
/// </summary>
internal sealed class ConvBound : IDisposable
{
    private const string Script =
        "def to_blocked(x: Tensor) -> Tensor:\n    return x.to_mkldnn()\n" +
        "def to_dense(x: Tensor) -> Tensor:\n    return x.to_dense()\n" +
        "def reorder(w: Tensor, p: int, s: int, g: int) -> Tensor:\n" +
        "    return torch.mkldnn_reorder_conv2d_weight(w.to_mkldnn(), [p, p], [s, s], [1, 1], g)\n" +
        "def conv(x: Tensor, w: Tensor, b: Tensor, p: int, s: int, g: int) -> Tensor:\n" +
        "    return torch.mkldnn_convolution(x, w, b, [p, p], [s, s], [1, 1], g)\n";

    private readonly jit.CompilationUnit unit = jit.compile(Script);
    private readonly Packed stem;
    private readonly List<(Packed First, Packed Second, Packed? Projection)> blocks = [];
    private readonly Linear classifier;

    /// <summary>Packs the convolutions of <paramref name="resnet18"/> (torchvision's module names).</summary>
    public ConvBound(nn.Module resnet18)
    {
        // TorchSharp's named_modules() leaves out the module itself, whose own members are conv1, bn1 and fc.
        var modules = resnet18.named_modules().Concat(resnet18.named_children()).DistinctBy(m => m.name).ToDictionary(m => m.name, m => m.module);
        Packed Pack(string conv, string norm) => this.Pack((Conv2d)modules[conv], (BatchNorm2d)modules[norm]);
        using var noGrad = no_grad();
        stem = Pack("conv1", "bn1");
        foreach (var block in new[] { "layer1.0", "layer1.1", "layer2.0", "layer2.1", "layer3.0", "layer3.1", "layer4.0", "layer4.1" })
        {
            var projection = modules.ContainsKey($"{block}.downsample.0") ? Pack($"{block}.downsample.0", $"{block}.downsample.1") : null;
            blocks.Add((Pack($"{block}.conv1", $"{block}.bn1"), Pack($"{block}.conv2", $"{block}.bn2"), projection));
        }

        classifier = (Linear)modules["fc"];
    }

    /// <summary>The bound's forward on an NCHW batch: stem, pool, each block's convolutions (and projection), pool, classifier.</summary>
    public Tensor Forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var y = unit.invoke<Tensor>("to_blocked", input);
        y = Convolve(y, stem);
        y = nn.functional.max_pool2d(y, 3, 2, 1);
        foreach (var (first, second, projection) in blocks)
        {
            // A projection reads the block's input as torchvision's does; the bound drops its output (no residual add).
            if (projection is not null)
            {
                Convolve(y, projection).Dispose();
            }

            y = Convolve(Convolve(y, first), second);
        }

        y = nn.functional.adaptive_avg_pool2d(y, [1, 1]);
        y = unit.invoke<Tensor>("to_dense", y).flatten(1);
        return classifier.call(y).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        foreach (var packed in blocks.SelectMany(b => new[] { b.First, b.Second, b.Projection }).Prepend(stem).OfType<Packed>())
        {
            packed.Weight.Dispose();
            packed.Bias.Dispose();
        }

        unit.Dispose();
    }

    private Tensor Convolve(Tensor x, Packed c) => unit.invoke<Tensor>("conv", x, c.Weight, c.Bias, c.Padding, c.Stride, c.Groups);

    private Packed Pack(Conv2d conv, BatchNorm2d norm)
    {
        using var scope = NewDisposeScope();
        var scale = norm.running_var!.add(norm.eps).rsqrt().mul(norm.weight!);
        var weight = conv.weight!.mul(scale.view(-1, 1, 1, 1)).contiguous();
        var bias = norm.bias!.sub(norm.running_mean!.mul(scale)).contiguous();
        int padding = (int)conv.padding![0], stride = (int)conv.stride![0], groups = (int)conv.groups;
        var packed = unit.invoke<Tensor>("reorder", weight, padding, stride, groups);
        return new Packed(packed.DetachFromDisposeScope(), bias.DetachFromDisposeScope(), padding, stride, groups);
    }

    private sealed record Packed(Tensor Weight, Tensor Bias, int Padding, int Stride, int Groups);
}
