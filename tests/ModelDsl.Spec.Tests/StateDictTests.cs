using ModelDsl.Spec.Tests.Zoo;

namespace ModelDsl.Spec.Tests;

// The StateDicts/*.txt files are torchvision 0.14's own state_dict() keys and shapes (dumped once with Debian's
// python3-torchvision), so these tests check our module paths against PyTorch's, not against ourselves.
public class StateDictTests
{
    public static TheoryData<string> Models => new() { "resnet18", "resnet50", "mobilenet_v2", "vit_b_16" };

    [Theory]
    [MemberData(nameof(Models))]
    public void NamesAndShapesEqualTorchvisions(string model)
    {
        var spec = model switch
        {
            "resnet18" => ResNets.ResNet18(),
            "resnet50" => ResNets.ResNet50(),
            "mobilenet_v2" => MobileNets.MobileNetV2(),
            _ => Transformers.VitB16(),
        };
        var shapes = Shapes.Infer(spec);
        Assert.True(shapes.Succeeded, shapes.Error?.ToString());

        var ours = shapes.Layers.SelectMany(l => l.Tensors).Select(t => $"{t.Name} {t.Dims} {(t.IsBuffer ? "B" : "P")}").Order(StringComparer.Ordinal).ToList();
        var torchvision = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "StateDicts", model + ".txt"))
            .Where(line => !line.StartsWith('#') && line.Length > 0).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(torchvision, ours);
    }

    [Fact]
    public void Gpt2UsesNanoGptNames()
    {
        var shapes = Shapes.Infer(Transformers.Gpt2Small());
        var tensors = shapes.Layers.SelectMany(l => l.Tensors).ToDictionary(t => t.Name, t => t);

        // model.transformer.{wte, wpe, h[i].{ln_1, attn.c_attn, attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj}, ln_f}, lm_head.
        Assert.Equal(new[] { 50257, 768 }, tensors["transformer.wte.weight"].Dims);
        Assert.Equal(new[] { 1024, 768 }, tensors["transformer.wpe.weight"].Dims);
        Assert.Equal(new[] { 768 }, tensors["transformer.h.0.ln_1.weight"].Dims);
        Assert.Equal(new[] { 2304, 768 }, tensors["transformer.h.0.attn.c_attn.weight"].Dims);
        Assert.Equal(new[] { 768, 768 }, tensors["transformer.h.5.attn.c_proj.weight"].Dims);
        Assert.Equal(new[] { 3072, 768 }, tensors["transformer.h.11.mlp.c_fc.weight"].Dims);
        Assert.Equal(new[] { 768, 3072 }, tensors["transformer.h.11.mlp.c_proj.weight"].Dims);
        Assert.Equal(new[] { 768 }, tensors["transformer.ln_f.weight"].Dims);
        Assert.Equal("transformer.wte.weight", tensors["lm_head.weight"].TiedTo);
        Assert.DoesNotContain(tensors.Keys, k => k.EndsWith(".bias", StringComparison.Ordinal));

        // 2 (wte, wpe) + 12 · 6 + ln_f + lm_head = 76 state-dict entries.
        Assert.Equal(76, tensors.Count);
    }

    [Fact]
    public void ProjectionShortcutsAreInferredWhereTorchvisionHasThem()
    {
        var resnet18 = Shapes.Infer(ResNets.ResNet18());

        // layer2.0 halves the resolution and doubles the width: 1x1 conv stride 2 + BatchNorm2d.
        var projection = resnet18.Find("layer2.0.downsample.0")!;
        Assert.Equal(Shape.Of(64, 56, 56), projection.Input);
        Assert.Equal(Shape.Of(128, 28, 28), projection.Output);
        Assert.Equal(2, projection.Int("stride"));
        Assert.NotNull(resnet18.Find("layer2.0.downsample.1"));
        Assert.Null(resnet18.Find("layer1.0.downsample.0")); // BasicBlock keeps 64 channels at 56x56
        Assert.Null(resnet18.Find("layer2.1.downsample.0"));

        // Bottleneck's layer1.0 changes only the width (64 → 256): a stride-1 projection.
        var resnet50 = Shapes.Infer(ResNets.ResNet50());
        Assert.Equal(1, resnet50.Find("layer1.0.downsample.0")!.Int("stride"));
        Assert.Equal(4, resnet50.Layers.Count(l => l.Path.EndsWith(".downsample.0", StringComparison.Ordinal)));
    }

    [Fact]
    public void MobileNetV2AddsOnlyWhereShapesAgree()
    {
        var shapes = Shapes.Infer(MobileNets.MobileNetV2());

        // use_res_connect holds for the repeated blocks of each stage: (2−1) + (3−1) + (4−1) + (3−1) + (3−1) + 0 = 10.
        Assert.Equal(10, shapes.Layers.Count(l => l.Kind == LayerKind.ResidualAdd));
        Assert.Equal(LayerKind.ResidualAdd, shapes.Find("features.3.add")!.Kind);
        Assert.Null(shapes.Find("features.2.add"));

        // features.3.conv.1.0 is the depthwise 3x3 of an expanded (24·6 = 144 channel) block.
        var depthwise = shapes.Find("features.3.conv.1.0")!;
        Assert.Equal(144, depthwise.Int("groups"));
        Assert.Equal(Shape.Of(144, 56, 56), depthwise.Output);
        Assert.Equal(Shape.Of(1280), shapes.Find("classifier.1")!.Input);
        Assert.Equal(Shape.Of(1000), shapes.Output);
    }
}
