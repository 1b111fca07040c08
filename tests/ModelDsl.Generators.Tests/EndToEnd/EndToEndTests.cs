using TorchSharp;
using TorchSharp.Modules;

namespace ModelDsl.Generators.Tests.EndToEnd;

/// <summary>DSL-declared models build, run forward on libtorch, and agree with their compile-time constants.</summary>
public class EndToEndTests
{
    [Fact]
    public void MlpRunsAndItsConstantsMatchTheBuiltModule()
    {
        using var model = new DigitsMlp();
        model.eval();
        using var scope = torch.NewDisposeScope();
        var y = model.call(torch.randn(5, 64));

        Assert.Equal(new long[] { 5, 10 }, y.shape);
        Assert.Equal(DigitsMlp.TotalParameters, model.parameters().Sum(p => p.numel()));
        Assert.Equal((64 * 32) + 32 + (32 * 10) + 10, DigitsMlp.TotalParameters);
        Assert.Equal((64 * 32) + (32 * 10), DigitsMlp.TotalMacs);
        Assert.Equal(new[] { "hidden.0.weight", "hidden.0.bias", "classifier.weight", "classifier.bias" }, model.state_dict().Keys);
        Assert.Equal(new[] { 10 }, DigitsMlp.OutputShape);
    }

    [Fact]
    public void ResNetRunsAndItsConstantsMatchTheBuiltModule()
    {
        using var model = new TinyResNet();
        model.eval();
        using var scope = torch.NewDisposeScope();
        var y = model.call(torch.randn(2, 3, 16, 16));

        Assert.Equal(new long[] { 2, 10 }, y.shape);
        Assert.Equal(TinyResNet.TotalParameters, model.parameters().Sum(p => p.numel()));
        Assert.Equal(TinyResNet.TotalParameters, TinyResNet.CostTable.Sum(r => r.Parameters));
    }

    [Fact]
    public void ResNetStateDictHasTorchvisionStyleNames()
    {
        using var model = new TinyResNet();

        string[] Norm(string prefix) => [prefix + ".weight", prefix + ".bias", prefix + ".running_mean", prefix + ".running_var", prefix + ".num_batches_tracked"];
        string[] Block(string prefix, bool downsample) =>
        [
            prefix + ".conv1.weight", .. Norm(prefix + ".bn1"), prefix + ".conv2.weight", .. Norm(prefix + ".bn2"),
            .. downsample ? [prefix + ".downsample.0.weight", .. Norm(prefix + ".downsample.1")] : Array.Empty<string>(),
        ];
        string[] expected = ["stem.0.weight", .. Norm("stem.1"), .. Block("layer1.0", false), .. Block("down", true), "fc.weight", "fc.bias"];

        // TorchSharp lists a BatchNorm's buffers in its own order; the names are what loading by name needs.
        Assert.Equal(expected.Order(StringComparer.Ordinal), model.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void BlockAddsItsShortcut()
    {
        // Recompute layer1.0 by hand from the block's own layers: relu(bn2(conv2(relu(bn1(conv1(x))))) + x).
        using var model = new TinyResNet();
        model.eval();
        using var scope = torch.NewDisposeScope();
        var block = Assert.IsType<ResBlock>(((Sequential)model.Layer1)[0]);
        var x = torch.randn(1, 8, 16, 16);

        var branch = block.Bn2.call(block.Conv2.call(block.Relu.call(block.Bn1.call(block.Conv1.call(x)))));
        var expected = block.Out.call(branch + x);

        Assert.True((block.call(x) - expected).abs().max().item<float>() < 1e-6f);
    }

    [Fact]
    public void SummaryPrintsTheTableAndTotals()
    {
        var summary = TinyResNet.Summary();

        Assert.Contains("down.downsample.0", summary, StringComparison.Ordinal);
        Assert.Contains("Total params: " + TinyResNet.TotalParameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), summary, StringComparison.Ordinal);
        Assert.Contains("Total MACs: " + TinyResNet.TotalMacs.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), summary, StringComparison.Ordinal);
        Assert.Equal(TinyResNet.CostTable.Count + 11, summary.Split('\n').Length);
    }

    [Fact]
    public void IfSameShapeResidualAddsOnlyWhereTheShapeIsKept()
    {
        Assert.DoesNotContain(TinyMobileNet.CostTable, r => r.Path == "features.0.add");
        Assert.Contains(TinyMobileNet.CostTable, r => r.Path == "features.1.add");

        using var model = new TinyMobileNet();
        model.eval();
        using var scope = torch.NewDisposeScope();
        Assert.Equal(TinyMobileNet.TotalParameters, model.parameters().Sum(p => p.numel()));
        Assert.Equal(new long[] { 3, 10 }, model.call(torch.randn(3, 8, 16, 16)).shape);

        // The second block adds its input: project(depthwise(expand(x))) + x.
        var block = Assert.IsType<InvertedResidual>(((Sequential)model.Features)[1]);
        var x = torch.randn(1, 16, 8, 8);
        var expected = block.Project.call(block.Depthwise.call(block.Expand.call(x))) + x;
        Assert.True((block.call(x) - expected).abs().max().item<float>() < 1e-6f);

        // Depthwise: groups = channels = 32 (16 in, expanded twice).
        var depthwise = Assert.IsType<Conv2d>(((Sequential)block.Depthwise)[0]);
        Assert.Equal(32, depthwise.groups);
    }
}
