using System.Text.Json;
using ModelDsl.Zoo.ResNets;

namespace ModelDsl.Onnx.Tests;

/// <summary>The exported file as Python's onnx package reads it, after <c>onnx.checker.check_model(full_check=True)</c>.</summary>
public class FileFormatTests
{
    [Fact]
    public void ResNet18PassesTheOnnxCheckerWithStateDictNamesPathsAndShapes()
    {
        using var model = new ResNet18();
        using var directory = new TemporaryDirectory();
        var path = directory.File("resnet18.onnx");
        model.ExportOnnx(path);
        var file = Harness.Inspect(path);

        Assert.Equal(8, file.GetProperty("ir_version").GetInt32());
        Assert.Equal(17, file.GetProperty("opsets").GetProperty(string.Empty).GetInt32());
        Assert.Equal("[\"batch\",3,224,224]", file.GetProperty("input").GetRawText());
        Assert.Equal("[\"batch\",1000]", file.GetProperty("output").GetRawText());

        // Initializers: exactly the state dict's float tensors under their names and shapes (not the step counters).
        var initializers = file.GetProperty("initializers").EnumerateObject().Where(p => !p.Name.StartsWith("const", StringComparison.Ordinal))
            .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(d => d.GetInt64()).ToArray());
        var state = model.state_dict().Where(e => !e.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToDictionary(e => e.Key, e => e.Value.shape);
        Assert.Equal(state.Keys.Order(), initializers.Keys.Order());
        Assert.All(state, e => Assert.Equal(e.Value, initializers[e.Key]));

        // Every layer of the cost table (residual adds included) is a node of that name, its output annotated.
        var nodes = file.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()).ToHashSet();
        var annotated = file.GetProperty("value_info");
        Assert.All(ResNet18.CostTable, row =>
        {
            Assert.Contains(row.Path, nodes);
            Assert.Equal("[\"batch\"," + string.Join(",", row.OutputShape) + "]", annotated.GetProperty(row.Path).GetRawText());
        });
        Assert.Equal(["Add", "BatchNormalization", "Conv", "Flatten", "Gemm", "GlobalAveragePool", "Identity", "MaxPool", "Relu"], file.GetProperty("ops").EnumerateArray().Select(o => o.GetString()!));
    }

    [Fact]
    public void EveryCoverageModelPassesTheOnnxChecker()
    {
        using var directory = new TemporaryDirectory();
        using var image = new ImageCoverage();
        using var signal = new SignalCoverage();
        using var sequence = new SequenceCoverage();
        using var vgg = new SmallVgg11();
        foreach (var (name, export) in new (string, Action<string>)[] { ("image", image.ExportOnnx), ("signal", signal.ExportOnnx), ("sequence", sequence.ExportOnnx), ("vgg", vgg.ExportOnnx) })
        {
            var path = directory.File(name + ".onnx");
            export(path);
            var file = Harness.Inspect(path);
            Assert.Equal(JsonValueKind.String, file.GetProperty("input")[0].ValueKind);
        }
    }
}
