using Microsoft.ML.OnnxRuntime;
using ModelDsl.Zoo.Classic;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Onnx.Tests;

/// <summary>OnnxModel: one call from C#, clear errors for bad files and inputs, correct disposal.</summary>
public class RunnerTests
{
    [Fact]
    public void FloatArraysAndTensorsGiveTheSameResultAndTheShapesAreTheModels()
    {
        using var model = new Mlp();
        model.eval();
        using var directory = new TemporaryDirectory();
        var path = directory.File("mlp.onnx");
        model.ExportOnnx(path);
        using var onnx = OnnxModel.Load(path);
        Assert.Equal([-1L, 784], onnx.InputShape);
        Assert.Equal([-1L, 10], onnx.OutputShape);

        using var scope = NewDisposeScope();
        manual_seed(1);
        var x = randn(3, 784);
        var (data, shape) = onnx.Run(x.data<float>().ToArray(), [3, 784]);
        Assert.Equal([3L, 10], shape);
        Assert.Equal(onnx.Run(x).data<float>().ToArray(), data);
    }

    [Fact]
    public void BadFilesAndInputsAreClearErrorsAndDisposalIsSafe()
    {
        using var directory = new TemporaryDirectory();
        Assert.Throws<FileNotFoundException>(() => OnnxModel.Load(directory.File("missing.onnx")));
        var garbage = directory.File("garbage.onnx");
        File.WriteAllBytes(garbage, [1, 2, 3, 4, 5]);
        var bad = Assert.Throws<InvalidDataException>(() => OnnxModel.Load(garbage));
        Assert.Contains(garbage, bad.Message);

        using var model = new Mlp();
        var path = directory.File("mlp.onnx");
        model.ExportOnnx(path);
        var onnx = OnnxModel.Load(path, threads: 1, spinWait: false);
        var shape = Assert.Throws<ArgumentException>(() => onnx.Run(new float[10], [1, 10]));
        Assert.Contains("[1, 10] does not match the model's [batch, 784]", shape.Message);
        Assert.Throws<ArgumentException>(() => onnx.Run(new float[10], [1, 784]));
        Assert.Throws<ArgumentException>(() => onnx.Run(new long[784], [1, 784]));
        onnx.Dispose();
        onnx.Dispose();
        Assert.Throws<ObjectDisposedException>(() => onnx.Run(new float[784], [1, 784]));
    }

    [Fact]
    public void AnExportReplacesAnEarlierFileOnlyWhenComplete()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("mlp.onnx");
        using var model = new Mlp();
        model.ExportOnnx(path);
        var first = new FileInfo(path).Length;
        model.ExportOnnx(path);
        Assert.Equal(first, new FileInfo(path).Length);
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
        using var session = new InferenceSession(path);
        Assert.Single(session.InputMetadata);
        Assert.Throws<DirectoryNotFoundException>(() => model.ExportOnnx(directory.File("missing/mlp.onnx")));
    }
}
