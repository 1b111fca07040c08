using ModelDsl.Zoo.ResNets;

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
    public void NamesAndShapesEqualTorchvisions(string name)
    {
        using Layer model = name == "resnet18" ? new ResNet18() : new ResNet50();
        var parameters = model.NamedParameters().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        var ours = model.StateDict()
            .Select(e => $"{e.Key} [{string.Join(", ", e.Value.Shape)}] {(parameters.Contains(e.Key) ? "P" : "B")}")
            .Order(StringComparer.Ordinal)
            .ToList();
        var torchvision = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "StateDicts", name + ".txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(torchvision, ours);
    }
}
