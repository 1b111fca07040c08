using TorchSharp;
using TorchSharp.Modules;

namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>Every layer attribute builds, runs, and produces the shape and parameter count inferred at compile time.</summary>
public class EveryLayerTests
{
    [Fact]
    public void Image() => Check(new ImageLayers(), torch.randn(2, 3, 16, 16), ImageLayers.OutputShape, ImageLayers.TotalParameters);

    [Fact]
    public void Signal() => Check(new SignalLayers(), torch.randn(2, 2, 32), SignalLayers.OutputShape, SignalLayers.TotalParameters);

    [Fact]
    public void Tokens()
    {
        var ids = (torch.arange(16) % 50).reshape(2, 8);
        Check(new TokenLayers(), ids, TokenLayers.OutputShape, TokenLayers.TotalParameters);
    }

    [Fact]
    public void Vector() => Check(new VectorLayers(), torch.randn(3, 12), VectorLayers.OutputShape, VectorLayers.TotalParameters);

    [Fact]
    public void Sequence() => Check(new SequenceLayers(), torch.randn(2, 8, 16), SequenceLayers.OutputShape, SequenceLayers.TotalParameters);

    [Fact]
    public void SequenceStateDictNames()
    {
        using var model = new SequenceLayers();
        Assert.Equal(
            ["attn.c_attn.weight", "attn.c_proj.weight", "mixer.A_log", "mixer.D", "mixer.in_proj.weight", "mixer.conv1d.weight", "mixer.conv1d.bias", "mixer.x_proj.weight", "mixer.dt_proj.weight", "mixer.dt_proj.bias", "mixer.out_proj.weight"],
            model.state_dict().Keys);
    }

    [Fact]
    public void TokenStateDictNames()
    {
        using var model = new TokenLayers();
        Assert.Equal(
            ["wte.weight", "mixer.0.weight", "mixer.1.in_proj_weight", "mixer.1.out_proj.weight", "mixer.2.weight", "head.weight"],
            model.state_dict().Keys);
    }

    private static void Check(Layer model, torch.Tensor input, IReadOnlyList<int> outputShape, long parameters)
    {
        using (model)
        {
            model.eval();
            using var scope = torch.NewDisposeScope();
            var output = model.call(input);

            Assert.Equal(new[] { input.shape[0] }.Concat(outputShape.Select(d => (long)d)), output.shape);
            Assert.Equal(parameters, model.parameters().Sum(p => p.numel()));
        }
    }
}
