using ModelDsl.Benchmarks.Shared;
using System.Diagnostics;
using System.Globalization;
using ModelDsl.Onnx;
using ModelDsl.Zoo.ResNets;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.OnnxSpeed;

/// <summary>
/// An int8 variant's QDQ export against its dense model's float32 export, both in ONNX Runtime (every graph optimisation),
/// interleaved in one process: each round times `reps` runs of each side, the order alternating; prints one JSON line per
/// side (median over rounds of the per-round medians) and their ratio.
/// </summary>
internal static class Int8Speed
{
    public static void Run(string name, int batch, int rounds, int reps, int threads, string? optimizedDirectory = null)
    {
        manual_seed(0);
        nn.Module<Tensor, Tensor> dense, quantised;
        Action<string> exportDense;
        Action<string, Tensor> exportQuantised;
        long[] sample;
        switch (name)
        {
            case "resnet18":
            {
                var d = new ResNet18();
                var q = ResNet18Int8.FromDense(d);
                (dense, quantised, exportDense, exportQuantised, sample) = (d, q, d.ExportOnnx, q.ExportOnnx, [3, 224, 224]);
                break;
            }

            case "mlp_block":
            {
                var d = new MlpBlock();
                var q = MlpBlockInt8.FromDense(d);
                (dense, quantised, exportDense, exportQuantised, sample) = (d, q, d.ExportOnnx, q.ExportOnnx, [1024]);
                break;
            }

            default:
                throw new ArgumentException("unknown int8 model " + name + " (resnet18, mlp_block)");
        }

        var directory = Directory.CreateTempSubdirectory("onnx-int8-speed-");
        try
        {
            using var noGrad = no_grad();
            dense.eval();
            quantised.eval();
            long[] shape = [batch, .. sample];
            using var x = randn(shape);
            using var calibration = randn([32, .. sample]);
            var (floatPath, int8Path) = (Path.Combine(directory.FullName, "float32.onnx"), Path.Combine(directory.FullName, "int8.onnx"));
            exportDense(floatPath);
            exportQuantised(int8Path, calibration);
            if (optimizedDirectory is not null)
            {
                // The int8 graph as ONNX Runtime optimises it, to check which int8 kernels it fused (QLinearConv, QGemm …).
                using var options = new Microsoft.ML.OnnxRuntime.SessionOptions
                {
                    GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
                    OptimizedModelFilePath = Path.Combine(optimizedDirectory, name + ".int8.optimized.onnx"),
                };
                using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(int8Path, options);
            }

            var data = x.data<float>().ToArray();
            using var floatOrt = OnnxModel.Load(floatPath, threads);
            using var int8Ort = OnnxModel.Load(int8Path, threads);
            (string Side, Action Run)[] sides = [("float32_onnx_ort", () => floatOrt.Run(data, shape)), ("int8_qdq_onnx_ort", () => int8Ort.Run(data, shape))];
            var medians = sides.ToDictionary(s => s.Side, _ => new List<double>());
            foreach (var (_, run) in sides)
            {
                run();
                run();
            }

            for (var round = 0; round < rounds; round++)
            {
                for (var k = 0; k < sides.Length; k++)
                {
                    var (side, run) = sides[(k + round) % sides.Length];
                    var times = new List<double>();
                    for (var i = 0; i < reps; i++)
                    {
                        var watch = Stopwatch.StartNew();
                        run();
                        times.Add(watch.Elapsed.TotalMilliseconds);
                    }

                    medians[side].Add(Forwards.Median(times));
                }
            }

            foreach (var (side, values) in medians)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"model\":\"{name}\",\"batch\":{batch},\"side\":\"{side}\",\"median_ms\":{Forwards.Median(values):F2},\"min_ms\":{values.Min():F2},\"max_ms\":{values.Max():F2},\"threads\":{threads}}}"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"model\":\"{name}\",\"batch\":{batch},\"int8_speedup\":{Forwards.Median(medians["float32_onnx_ort"]) / Forwards.Median(medians["int8_qdq_onnx_ort"]):F2}}}"));
        }
        finally
        {
            dense.Dispose();
            quantised.Dispose();
            directory.Delete(recursive: true);
        }
    }
}
