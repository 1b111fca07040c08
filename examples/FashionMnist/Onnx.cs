using System.Diagnostics;
using static TorchSharp.torch;

namespace FashionMnist;

/// <summary>The ONNX Runtime column: each model through its generated <c>ExportOnnx</c>, timed as <see cref="Trainer.LatencyMs"/> times the module.</summary>
internal static class Onnx
{
    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/>: a float class as it is, an int8 class in QDQ form with
    /// static activation scales from <paramref name="calibration"/> (training images, never the test set it is scored on).
    /// </summary>
    public static void Export(nn.Module<Tensor, Tensor> model, string path, Tensor calibration)
    {
        switch (model)
        {
            case FashionNet m: m.ExportOnnx(path); break;
            case FashionNetFit m: m.ExportOnnx(path); break;
            case FashionNetLr m: m.ExportOnnx(path); break;
            case FashionNetInt8 m: m.ExportOnnx(path, calibration); break;
            case FashionNetFitInt8 m: m.ExportOnnx(path, calibration); break;
            case FashionNetSparse80 m: m.ExportOnnx(path); break;
            case FashionNetNm24 m: m.ExportOnnx(path); break;
            default: throw new ArgumentException($"{model.GetType().Name} has no ONNX export in the demo", nameof(model));
        }
    }

    /// <summary>The median of <paramref name="runs"/> runs on the first <paramref name="batch"/> test images, after 5 warm-ups.</summary>
    public static double LatencyMs(ModelDsl.Onnx.OnnxModel model, FashionMnistData data, int batch, int runs)
    {
        using var input = data.TestImages.narrow(0, 0, batch).contiguous();
        for (var i = 0; i < 5; i++)
        {
            model.Run(input).Dispose();
        }

        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            model.Run(input).Dispose();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return times[runs / 2];
    }
}
