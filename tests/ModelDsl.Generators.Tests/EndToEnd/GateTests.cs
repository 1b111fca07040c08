using static TorchSharp.torch;

namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>A multiplying residual ([Residual(Combine = Combine.Multiply)]) is torchvision's squeeze-excitation gate.</summary>
public class GateTests
{
    [Fact]
    public void TheGateLoadsTorchvisionsSqueezeExcitationAndGivesItsOutput()
    {
        var folder = Directory.CreateTempSubdirectory("modeldsl-gate-").FullName;
        try
        {
            Python.Run("squeeze_excitation_reference.py", folder);
            using var model = new GatedNet();
            model.LoadSafeTensors(Path.Combine(folder, "weights.safetensors"));
            model.eval();
            var io = Weights.ReadSafeTensors(Path.Combine(folder, "io.safetensors"));

            using var noGrad = no_grad();
            var actual = model.call(io["input"]);
            var expected = io["output"];
            var worst = (actual - expected).abs().max().item<float>();
            Assert.True(actual.allclose(expected, 1e-5, 1e-5), "max |diff| " + worst);
            foreach (var tensor in io.Values)
            {
                tensor.Dispose();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void TheGateIsCostedAsItsLayersAndOneProductPerElement()
    {
        // By hand, [16, 8, 8]: fc1 16→4 1x1 on [16, 1, 1]: 64 MACs; fc2 4→16: 64 MACs.
        // Element-wise: avgpool sums 1,024; fc1 bias 4; ReLU 4; fc2 bias 16; hardsigmoid 4 · 16 = 64; the product 1,024.
        Assert.Equal(128, GatedNet.TotalMacs);
        Assert.Equal((2 * 128) + 1_024 + 4 + 4 + 16 + 64 + 1_024, GatedNet.TotalFlops);
        Assert.Contains(GatedNet.CostTable, r => r.Path == "se.mul" && r.Kind == "ResidualMultiply");
        Assert.Equal(new[] { 16, 8, 8 }, GatedNet.OutputShape);
    }
}
