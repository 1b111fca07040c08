using System.Diagnostics;
using static TorchSharp.torch;

namespace FashionMnist;

/// <summary>The ONNX Runtime column: each model through its generated <c>ExportOnnx</c>, timed as <see cref="Trainer.LatencyMs"/> times the module.</summary>
internal static class Onnx
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/>; false for a class whose export is not there yet (int8).</summary>
    public static bool Export(nn.Module<Tensor, Tensor> model, string path)
    {
        Action<string>? export = model switch
        {
            FashionNet m => m.ExportOnnx,
            FashionNetFit m => m.ExportOnnx,
            FashionNetLr m => m.ExportOnnx,
            _ => null,
        };
        if (export is null)
        {
            return false;
        }

        export(path);
        return true;
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
