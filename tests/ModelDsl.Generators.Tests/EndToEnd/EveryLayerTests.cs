namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>Every layer attribute builds, runs, and produces the shape and parameter count inferred at compile time.</summary>
public class EveryLayerTests
{
    [Fact]
    public void Image() => Check(new ImageLayers(), Tensor.Randn([2, 3, 16, 16]), ImageLayers.OutputShape, ImageLayers.TotalParameters);

    [Fact]
    public void Signal() => Check(new SignalLayers(), Tensor.Randn([2, 2, 32]), SignalLayers.OutputShape, SignalLayers.TotalParameters);

    [Fact]
    public void Tokens()
    {
        var ids = (Tensor.Arange(16) % 50).Reshape([2, 8]);
        Check(new TokenLayers(), ids, TokenLayers.OutputShape, TokenLayers.TotalParameters);
    }

    [Fact]
    public void Vector() => Check(new VectorLayers(), Tensor.Randn([3, 12]), VectorLayers.OutputShape, VectorLayers.TotalParameters);

    [Fact]
    public void Sequence() => Check(new SequenceLayers(), Tensor.Randn([2, 8, 16]), SequenceLayers.OutputShape, SequenceLayers.TotalParameters);

    [Fact]
    public void SequenceStateDictNames()
    {
        using var model = new SequenceLayers();
        Assert.Equal(
            ["attn.c_attn.weight", "attn.c_proj.weight", "mixer.A_log", "mixer.D", "mixer.in_proj.weight", "mixer.conv1d.weight", "mixer.conv1d.bias", "mixer.x_proj.weight", "mixer.dt_proj.weight", "mixer.dt_proj.bias", "mixer.out_proj.weight"],
            model.StateDict().Select(e => e.Key));
    }

    [Fact]
    public void TokenStateDictNames()
    {
        using var model = new TokenLayers();
        Assert.Equal(
            ["wte.weight", "mixer.0.weight", "mixer.1.in_proj_weight", "mixer.1.out_proj.weight", "mixer.2.weight", "head.weight"],
            model.StateDict().Select(e => e.Key));
    }

    private static void Check(Layer model, Tensor input, IReadOnlyList<int> outputShape, long parameters)
    {
        using (model)
        {
            model.Eval();
            using var scope = Torch.NewDisposeScope();
            var output = model.Forward(input);

            Assert.Equal(new[] { input.Shape[0] }.Concat(outputShape.Select(d => (long)d)), output.Shape);
            Assert.Equal(parameters, model.ParameterCount());
        }
    }
}
