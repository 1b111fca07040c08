namespace ModelDsl.Spec.Tests;

/// <summary>Runs one layer on one input, for the per-layer tests.</summary>
internal static class OneLayer
{
    public static (LayerShape Shape, LayerCost Cost) Run(InputSpec input, LayerSpec layer)
    {
        var shapes = Shapes.Infer(new ModelSpec("One", input, new[] { layer }));
        Assert.True(shapes.Succeeded, shapes.Error?.ToString());
        var shape = Assert.Single(shapes.Layers);
        return (shape, Cost.OfLayer(shape));
    }

    public static ShapeError Fail(InputSpec input, params LayerSpec[] layers) => Fail(new ModelSpec("Failing", input, layers));

    public static ShapeError Fail(ModelSpec spec)
    {
        var shapes = Shapes.Infer(spec);
        Assert.False(shapes.Succeeded, "expected a shape error");
        var report = Cost.Of(spec);
        Assert.Equal(shapes.Error, report.Error);
        Assert.Empty(report.Layers);
        return shapes.Error!;
    }
}
