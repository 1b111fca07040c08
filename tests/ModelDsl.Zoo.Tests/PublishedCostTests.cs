using ModelDsl.Zoo.Classic;
using ModelDsl.Zoo.MobileNets;
using ModelDsl.Zoo.ResNets;
using ModelDsl.Zoo.Transformers;

namespace ModelDsl.Zoo.Tests;

/// <summary>
/// The DSL models' compile-time constants against numbers no one here computed: torchvision's published table
/// (its "GFLOPS" column counts MACs) and parameter counts.
/// </summary>
public class PublishedCostTests
{
    [Fact]
    public void ResNet18MatchesTorchvision()
    {
        Assert.Equal(1_814_073_344, ResNet18.TotalMacs);
        Assert.Equal(11_689_512, ResNet18.TotalParameters);
        Assert.Equal(new[] { 1000 }, ResNet18.OutputShape);
    }

    [Fact]
    public void ResNet50MatchesTorchvision()
    {
        Assert.Equal(4_089_184_256, ResNet50.TotalMacs);
        Assert.Equal(25_557_032, ResNet50.TotalParameters);
    }

    [Fact]
    public void MobileNetV2MatchesTorchvision()
    {
        // torchvision publishes 0.301 GFLOPS (MACs), rounded; the exact count is 300,774,272.
        Assert.Equal(0.301, Math.Round(MobileNetV2.TotalMacs / 1e9, 3));
        Assert.Equal(3_504_872, MobileNetV2.TotalParameters);
    }

    [Fact]
    public void VitB16MatchesTorchvision()
    {
        // torchvision publishes 17.564 GFLOPS (MACs) and 86,567,656 parameters; within 0.1% and exactly.
        Assert.InRange(VitB16.TotalMacs, 17_564_000_000 * 0.999, 17_564_000_000 * 1.001);
        Assert.Equal(17_563_828_224, VitB16.TotalMacs);
        Assert.Equal(86_567_656, VitB16.TotalParameters);
        Assert.Equal(new[] { 1000 }, VitB16.OutputShape);
        using var vit = new VitB16();
        Assert.Equal(VitB16.TotalParameters, vit.ParameterCount());
    }

    [Fact]
    public void Vgg11MatchesTorchvision()
    {
        // torchvision publishes 7.61 GFLOPS (MACs) and 132,863,336 parameters.
        Assert.Equal(7.61, Math.Round(Vgg11.TotalMacs / 1e9, 2));
        Assert.Equal(132_863_336, Vgg11.TotalParameters);
    }

    [Fact]
    public void MlpCountsAreTheHandDerivedOnes()
    {
        Assert.Equal((784 * 256) + 256 + (256 * 128) + 128 + (128 * 10) + 10, Mlp.TotalParameters);
        Assert.Equal((784 * 256) + (256 * 128) + (128 * 10), Mlp.TotalMacs);
    }

    [Fact]
    public void BuiltModulesHaveTheCompileTimeParameterCounts()
    {
        using var resnet18 = new ResNet18();
        using var resnet50 = new ResNet50();
        using var mobilenet = new MobileNetV2();
        using var mlp = new Mlp();

        Assert.Equal(ResNet18.TotalParameters, resnet18.ParameterCount());
        Assert.Equal(ResNet50.TotalParameters, resnet50.ParameterCount());
        Assert.Equal(MobileNetV2.TotalParameters, mobilenet.ParameterCount());
        Assert.Equal(Mlp.TotalParameters, mlp.ParameterCount());
    }
}
