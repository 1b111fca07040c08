using System.Text.Json;
using ModelDsl.Zoo.ResNets;
using static TorchSharp.torch;

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

    [Fact]
    public void ResNet18Int8PassesTheCheckerWithItsStoredInt8WeightsAndQdqAroundEveryConvolution()
    {
        manual_seed(2);
        using var dense = new ResNet18();
        using var int8 = ResNet18Int8.FromDense(dense);
        using var directory = new TemporaryDirectory();
        var path = directory.File("resnet18_int8.onnx");
        using var calibration = randn(2, 3, 224, 224);
        int8.ExportOnnx(path, calibration);
        var file = Harness.Inspect(path);

        // Every quantised layer's weight is the variant's own int8 tensor, under its state-dict name and shape (the
        // random BatchNorms here have positive scales, so no channel's sign is folded).
        var types = file.GetProperty("initializer_types");
        var shapes = file.GetProperty("initializers");
        foreach (var (name, tensor) in int8.state_dict().Where(e => e.Value.dtype == ScalarType.Int8))
        {
            Assert.Equal("INT8", types.GetProperty(name).GetString());
            Assert.Equal(tensor.shape, shapes.GetProperty(name).EnumerateArray().Select(d => d.GetInt64()).ToArray());
        }

        Assert.Equal(21, int8.state_dict().Count(e => e.Value.dtype == ScalarType.Int8));
        Assert.Equal(
            ["Add", "Conv", "DequantizeLinear", "Flatten", "Gemm", "GlobalAveragePool", "Identity", "MaxPool", "QuantizeLinear", "Relu"],
            file.GetProperty("ops").EnumerateArray().Select(o => o.GetString()!));
        var nodes = file.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()).ToHashSet();
        Assert.Contains("layer1.0.conv1", nodes);
        Assert.Contains("layer1.0.conv1/QuantizeLinear", nodes);
        Assert.Contains("layer2.0.downsample.0/DequantizeLinear_weight", nodes);
    }

    [Fact]
    public void OnnxRuntimeRunsResNet18Int8WithItsInt8KernelsThroughout()
    {
        manual_seed(2);
        using var dense = new ResNet18();
        using var int8 = ResNet18Int8.FromDense(dense);
        using var directory = new TemporaryDirectory();
        var path = directory.File("resnet18_int8.onnx");
        using var calibration = randn(2, 3, 224, 224);
        int8.ExportOnnx(path, calibration);
        var optimised = directory.File("resnet18_int8.optimized.onnx");
        using (var options = new Microsoft.ML.OnnxRuntime.SessionOptions { GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = optimised })
        using (new Microsoft.ML.OnnxRuntime.InferenceSession(path, options))
        {
        }

        // Every convolution fused into QLinearConv, the classifier into QGemm, seven of the eight residual adds into
        // QLinearAdd (the last one feeds the float average pool); no float convolution is left, and the activations
        // are quantised and dequantised once each at the ends.
        var ops = Harness.Inspect(optimised, check: false).GetProperty("op_counts");
        Assert.Equal(20, ops.GetProperty("QLinearConv").GetInt32());
        Assert.Equal(7, ops.GetProperty("QLinearAdd").GetInt32());
        Assert.Equal(1, ops.GetProperty("QGemm").GetInt32());
        Assert.False(ops.TryGetProperty("Conv", out _));
        Assert.Equal(2, ops.GetProperty("QuantizeLinear").GetInt32());
        Assert.Equal(2, ops.GetProperty("DequantizeLinear").GetInt32());
    }

    [Fact]
    public void LowRankAndInt4VariantsPassTheChecker()
    {
        using var directory = new TemporaryDirectory();
        using var lowRank = new WideMlpLr();
        var lowRankPath = directory.File("lr.onnx");
        lowRank.ExportOnnx(lowRankPath);
        var file = Harness.Inspect(lowRankPath);
        // The factored hidden layer is two products (in → 8, 8 → out), under the factors' state-dict names.
        Assert.Equal([8L, 64], file.GetProperty("initializers").GetProperty("hidden.0.0.weight").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal([256L, 8], file.GetProperty("initializers").GetProperty("hidden.0.1.weight").EnumerateArray().Select(d => d.GetInt64()));
        // Both Linears pay at rank 8 (8·(256 + 10) < 256·10 too): four products, no other weights.
        Assert.Equal(
            ["hidden.0.0.weight", "hidden.0.1.bias", "hidden.0.1.weight", "output.0.weight", "output.1.bias", "output.1.weight"],
            file.GetProperty("initializers").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["Gemm", "Identity", "Relu"], file.GetProperty("ops").EnumerateArray().Select(o => o.GetString()!));
        var nodes = file.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "hidden.0.0", "hidden.0.1", "output.0", "output.1" }, nodes);

        using var dense = new WideMlp();
        using var int4 = WideMlpInt4.FromDense(dense);
        var int4Path = directory.File("int4.onnx");
        int4.ExportOnnx(int4Path);
        var types = Harness.Inspect(int4Path).GetProperty("initializer_types");
        Assert.Equal("FLOAT", types.GetProperty("hidden.0.weight").GetString());
    }

    [Fact]
    public void SwinPassesTheCheckerWithItsTensorsUnderStateDictNamesAndOnnxRuntimeFoldsThePositionBias()
    {
        using var model = new SmallSwin();
        using var directory = new TemporaryDirectory();
        var path = directory.File("swin.onnx");
        model.ExportOnnx(path);
        var file = Harness.Inspect(path);

        // Every tensor of the state dict is an initializer under its name and shape, the index buffer as int64.
        var initializers = file.GetProperty("initializers");
        foreach (var (name, tensor) in model.state_dict())
        {
            Assert.True(initializers.TryGetProperty(name, out var dims), name + " is not an initializer");
            Assert.Equal(tensor.shape, dims.EnumerateArray().Select(d => d.GetInt64()).ToArray());
        }

        Assert.Equal("INT64", file.GetProperty("initializer_types").GetProperty("features.2.attn.relative_position_index").GetString());

        // Each layer of the cost table is a node of its path with its output annotated (the attention and the merging included).
        var nodes = file.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()).ToHashSet();
        var annotated = file.GetProperty("value_info");
        Assert.All(SmallSwin.CostTable, row =>
        {
            Assert.Contains(row.Path, nodes);
            Assert.True(annotated.TryGetProperty(row.Path, out var shape), row.Path + " is not annotated");
            Assert.Equal("[\"batch\"," + string.Join(",", row.OutputShape) + "]", shape.GetRawText());
        });

        // Three Gathers per attention (into windows, back to the map, the position bias), a mask for each shifted block
        // only (two of the three).
        Assert.Equal(9, file.GetProperty("op_counts").GetProperty("Gather").GetInt32());
        Assert.Equal(2, nodes.Count(n => n!.EndsWith("/Add_mask", StringComparison.Ordinal)));

        // What depends on weights alone (the position bias MLP, 16·sigmoid, the clamped temperature) is folded into
        // constants when ONNX Runtime loads the file: none of those nodes is left to run per input.
        var optimised = directory.File("swin.optimized.onnx");
        using (var options = new Microsoft.ML.OnnxRuntime.SessionOptions { GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = optimised })
        using (new Microsoft.ML.OnnxRuntime.InferenceSession(path, options))
        {
        }

        var runtimeOps = Harness.Inspect(optimised, check: false).GetProperty("op_counts");
        Assert.False(runtimeOps.TryGetProperty("Sigmoid", out _));
        Assert.False(runtimeOps.TryGetProperty("Min", out _));
        Assert.False(runtimeOps.TryGetProperty("Exp", out _));
    }

    [Fact]
    public void MambaPassesTheCheckerWithOneScanPerBlockAndADynamicBatch()
    {
        using var model = new MambaCoverage();
        using var directory = new TemporaryDirectory();
        var path = directory.File("mamba.onnx");
        model.ExportOnnx(path);
        var file = Harness.Inspect(path);

        Assert.Equal("[\"batch\",8,16]", file.GetProperty("input").GetRawText());
        Assert.Equal(2, file.GetProperty("op_counts").GetProperty("Scan").GetInt32());
        var initializers = file.GetProperty("initializers");
        Assert.All(model.state_dict(), e => Assert.True(initializers.TryGetProperty(e.Key, out _), e.Key + " is not an initializer"));
        var nodes = file.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()).ToHashSet();
        Assert.Contains("biased", nodes);
        Assert.Contains("mixer/Scan", nodes);
        Assert.Equal("[\"batch\",8,16]", file.GetProperty("value_info").GetProperty("mixer").GetRawText());
    }
}
