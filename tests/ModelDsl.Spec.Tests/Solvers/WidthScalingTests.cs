using ModelDsl.Spec.Tests.Zoo;

namespace ModelDsl.Spec.Tests.Solvers;

/// <summary>Uniform width scaling: what scales, what does not, and that the scaled zoo models still infer.</summary>
public class WidthScalingTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.25)]
    [InlineData(0.731)]
    public void ScaledZooModelsInferAndShrink(double keep)
    {
        foreach (var spec in new[] { ResNets.ResNet18(), ResNets.ResNet50(), MobileNets.MobileNetV2() })
        {
            var dense = Cost.Of(spec);
            var scaled = Cost.Of(WidthScaling.Apply(spec, keep));
            Assert.True(scaled.Succeeded, spec.Name + ": " + scaled.Error);
            Assert.True(scaled.Total.Macs < dense.Total.Macs, spec.Name);
            Assert.Equal(Shapes.Infer(spec).Output, Shapes.Infer(WidthScaling.Apply(spec, keep)).Output);
        }
    }

    [Fact]
    public void HalfAResNet18HalvesItsWidths()
    {
        var shapes = Shapes.Infer(WidthScaling.Apply(ResNets.ResNet18(), 0.5));
        Assert.Equal(32, shapes.Find("conv1")!.Output.Dims[0]);
        Assert.Equal(256, shapes.Find("layer4.1.conv2")!.Output.Dims[0]);
        Assert.Equal(1000, shapes.Find("fc")!.Output.Last);
    }

    [Fact]
    public void KeepOneIsTheSameSpec()
    {
        var spec = ResNets.ResNet18();
        Assert.Same(spec, WidthScaling.Apply(spec, 1));
    }

    [Fact]
    public void FirstEmptiedNamesTheLayerRoundingToZero()
    {
        var spec = new ModelSpec("Mlp", InputSpec.Vector(16), new[]
        {
            new LayerSpec("hidden", LayerKind.Linear, ("out", 4)),
            new LayerSpec("output", LayerKind.Linear, ("out", 2)),
        });
        Assert.Null(WidthScaling.FirstEmptied(spec, 0.2));
        Assert.Equal(("hidden", 4L), WidthScaling.FirstEmptied(spec, 0.1));
    }
}
