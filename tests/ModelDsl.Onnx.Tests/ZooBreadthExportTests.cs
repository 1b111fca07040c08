using ModelDsl.Zoo.Classic;
using ModelDsl.Zoo.ConvNeXts;
using ModelDsl.Zoo.DenseNets;
using ModelDsl.Zoo.EfficientNets;
using ModelDsl.Zoo.RegNets;
using ModelDsl.Zoo.ShuffleNets;

namespace ModelDsl.Onnx.Tests;

/// <summary>
/// The zoo's other torchvision families through their generated ExportOnnx and ONNX Runtime, against the TorchSharp
/// module on the same random input at batch 1: equal within 1e-4 (as <see cref="ExportTests"/>).
/// </summary>
public class ZooBreadthExportTests
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void Vgg11MatchesTorchSharp()
    {
        using var model = new Vgg11();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 224, 224], batches: [1]), 0, Tolerance);
    }

    [Fact]
    public void ShuffleNetV2WithItsSplitsAndShufflesMatchesTorchSharp()
    {
        using var model = new ShuffleNetV2();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 224, 224], batches: [1]), 0, Tolerance);
    }

    [Fact]
    public void DenseNet121WithItsConcatenationsMatchesTorchSharp()
    {
        using var model = new DenseNet121();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 224, 224], batches: [1]), 0, Tolerance);
    }

    [Fact]
    public void RegNetY400MFWithItsGatesMatchesTorchSharp()
    {
        using var model = new RegNetY400MF();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 224, 224], batches: [1]), 0, Tolerance);
    }

    [Fact]
    public void EfficientNetV2SMatchesTorchSharp()
    {
        using var model = new EfficientNetV2S();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 384, 384], batches: [1]), 0, Tolerance);
    }

    [Fact]
    public void ConvNeXtTinyWithItsLayerScalesMatchesTorchSharp()
    {
        using var model = new ConvNeXtTiny();
        Assert.InRange(Harness.Compare(model, model.ExportOnnx, [3, 224, 224], batches: [1]), 0, Tolerance);
    }
}
