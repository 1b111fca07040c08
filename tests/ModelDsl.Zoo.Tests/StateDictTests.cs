using ModelDsl.Zoo.MobileNets;
using ModelDsl.Zoo.ResNets;
using ModelDsl.Zoo.Transformers;

namespace ModelDsl.Zoo.Tests;

/// <summary>
/// The built modules' state dicts against torchvision 0.14's (StateDicts/*.txt, dumped with Debian's
/// python3-torchvision): every key, shape and parameter/buffer kind, so torchvision weights load 1:1.
/// </summary>
public class StateDictTests
{
    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet50")]
    [InlineData("mobilenet_v2")]
    [InlineData("vit_b_16")]
    public void NamesAndShapesEqualTorchvisions(string name)
    {
        using Layer model = name switch
        {
            "resnet18" => new ResNet18(),
            "resnet50" => new ResNet50(),
            "vit_b_16" => new VitB16(),
            _ => new MobileNetV2(),
        };
        Assert.Equal(Torchvision(name), model.StateDictLines());
    }

    [Fact]
    public void VitEncoderNamesAndShapesEqualTorchvisionsEncoder()
    {
        // vit_b_16's encoder module, less encoder.pos_embedding (VitB16Encoder takes embedded tokens; VitB16 has it).
        using var model = new VitB16Encoder();
        var torchvision = Torchvision("vit_b_16")
            .Where(line => line.StartsWith("encoder.", StringComparison.Ordinal) && !line.StartsWith("encoder.pos_embedding", StringComparison.Ordinal))
            .Select(line => line["encoder.".Length..])
            .ToList();

        Assert.Equal(torchvision, model.StateDictLines());
    }

    private static List<string> Torchvision(string name) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "StateDicts", name + ".txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Order(StringComparer.Ordinal)
            .ToList();
}
