using System.Text.RegularExpressions;

namespace ModelDsl.Generators.Tests;

/// <summary>
/// A block builds its own layers from its parameters, as torchvision's blocks do (<c>BasicBlock(inplanes, planes,
/// stride)</c>), and a model calls that constructor for every use whose modules it builds exactly.
/// </summary>
public class BlockConstructorTests
{
    [Fact]
    public void EveryBlockUseInTheZooCallsTheBlocksOwnConstructor()
    {
        // The zoo's declarations (its family folders; Program.cs beside them is the runner), generated together.
        var zoo = Path.Combine(Root(), "examples", "ModelDsl.Zoo");
        var files = Directory.GetDirectories(zoo).SelectMany(d => Directory.GetFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal) &&
                        !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText)
            .ToArray();
        var run = GeneratorHarness.Generate(files);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning);

        var blocks = run.Sources.Where(s => s.Value.Contains("the [Block] attributes of", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(blocks);
        // Two keep only the constructor that takes their layers: ViT's encoder holds a position parameter sized by the token
        // count (not a channel count), and Mamba's dt_rank defaults to ⌈D / 16⌉, which the size notation cannot write.
        // Of the breadth models' blocks, ShuffleNetV2's units (ChannelShuffle), ConvNeXt's stem and downsampling
        // (LayerNorm2d), its block (Permute to channels-last and back, a layer_scale on the image) and Swin's patch
        // embedding (Permute, then LayerNorm) build themselves; these keep the layer-passing form: Swin's block and stages take a
        // channels-last input, whose channel count is not the block's in_channels (its first dimension), and the stages
        // hold a stage inside a block; EfficientNet's and RegNet's blocks hold a squeeze-excitation whose pooling hides
        // the stride an if-same or projection residual decides on.
        string[] layersOnly =
        [
            "ModelDsl.Zoo.StateSpace.MambaLayer.g.cs", "ModelDsl.Zoo.Transformers.VitEncoder.g.cs",
            "ModelDsl.Zoo.EfficientNets.FusedConv.g.cs", "ModelDsl.Zoo.EfficientNets.MBConv.g.cs", "ModelDsl.Zoo.RegNets.ResBottleneck.g.cs",
            "ModelDsl.Zoo.Swin.SwinBlockV2.g.cs", "ModelDsl.Zoo.Swin.SwinStage2.g.cs", "ModelDsl.Zoo.Swin.SwinStage6.g.cs",
        ];
        var wrong = blocks.Where(b => b.Value.Contains("Builds the block from its parameters", StringComparison.Ordinal) == layersOnly.Contains(b.Key)).Select(b => b.Key).ToList();
        Assert.True(wrong.Count == 0, "the constructor form differs from the list for " + string.Join(", ", wrong));

        blocks = blocks.Where(b => !layersOnly.Contains(b.Key)).ToList();

        // A use that passed its layers in would open a multi-line call `new global::ModelDsl.Zoo.….Block(` at a line's end.
        // A quantised variant (ResNet18Int8) is the exception: its blocks hold the runtime's int8 layers, which the block's
        // own constructor (dense layers) does not build, so it passes them in.
        var models = run.Sources.Where(s => s.Value.Contains("the [Model] attributes of", StringComparison.Ordinal) || s.Value.Contains("the [Variant(", StringComparison.Ordinal))
            .Where(s => !s.Value.Contains("new global::ModelDsl.Int8", StringComparison.Ordinal) && !s.Value.Contains("new global::ModelDsl.Int4", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(models);
        var uses = 0;
        foreach (var (name, source) in models)
        {
            foreach (var (blockName, _) in blocks)
            {
                var type = "global::" + blockName[..^".g.cs".Length];
                Assert.False(Regex.IsMatch(source, "new " + Regex.Escape(type) + "\\(\\s*$", RegexOptions.Multiline), name + " passes the layers of " + type + " in");
                uses += Regex.Matches(source, "new " + Regex.Escape(type) + "\\(inChannels: ").Count;
            }
        }

        // ResNet-18's 8 BasicBlocks and its half variant's 8, ResNet-50's 16 Bottlenecks, MobileNetV2's 17 inverted
        // residuals (each with its ConvBnReLU6s, in the blocks' own constructors), ViT-B/16's and GPT-2's 12 layers each.
        Assert.True(uses >= 8 + 8 + 16 + 17 + 12 + 12, "only " + uses + " block uses call the block's constructor");
    }

    [Fact]
    public void TheConstructorWritesTheSizesAsTorchvisionsBasicBlockComputesThem()
    {
        var run = GeneratorHarness.Generate(Sources.BasicBlock, Sources.SmallResNet);
        var block = run.Sources["Demo.BasicBlock.g.cs"];
        Assert.Contains("public BasicBlock(long inChannels, long planes, long stride = 1)", block, StringComparison.Ordinal);
        Assert.Contains("conv1: global::TorchSharp.torch.nn.Conv2d(inChannels, planes, 3, stride: stride, padding: 1, bias: false)", block, StringComparison.Ordinal);
        // torchvision's _make_layer: downsample where stride != 1 or inplanes != planes * expansion.
        Assert.Contains("downsample: stride != 1 || inChannels != planes ? global::TorchSharp.torch.nn.Sequential(", block, StringComparison.Ordinal);
        var model = run.Sources["Demo.SmallResNet.g.cs"];
        Assert.Contains("new global::Demo.BasicBlock(inChannels: 16, planes: 32, stride: 2)", model, StringComparison.Ordinal);
    }

    private static string Root()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ModelDsl.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("ModelDsl.sln not found above " + AppContext.BaseDirectory);
    }
}
