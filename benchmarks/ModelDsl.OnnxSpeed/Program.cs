// Usage: ModelDsl.OnnxSpeed <model> <pytorch.onnx> <batch> <rounds> <reps> <threads>
// Per round, each side runs `reps` timed forwards after a warm-up, the sides in rotating order; prints one JSON line per
// side with the median over rounds of the per-round median milliseconds.
using System.Diagnostics;
using System.Globalization;
using ModelDsl.Onnx;
using ModelDsl.Zoo.MobileNets;
using ModelDsl.Zoo.ResNets;
using ModelDsl.Zoo.Transformers;
using TorchSharp;
using static TorchSharp.torch;

var (name, pytorchFile) = (args[0], args[1]);
var (batch, rounds, reps, threads) = (int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture), int.Parse(args[5], CultureInfo.InvariantCulture));
torch.set_num_threads(threads);
manual_seed(0);
nn.Module<Tensor, Tensor> model;
Action<string> export;
switch (name)
{
    case "resnet18": { var m = new ResNet18(); (model, export) = (m, m.ExportOnnx); break; }
    case "mobilenet_v2": { var m = new MobileNetV2(); (model, export) = (m, m.ExportOnnx); break; }
    case "vit_b_16": { var m = new VitB16(); (model, export) = (m, m.ExportOnnx); break; }
    default: throw new ArgumentException("unknown model " + name);
}

model.eval();
var directory = Directory.CreateTempSubdirectory("onnx-speed-");
try
{
    var ours = Path.Combine(directory.FullName, name + ".onnx");
    export(ours);
    using var oursOrt = OnnxModel.Load(ours, threads);
    using var theirsOrt = OnnxModel.Load(pytorchFile, threads);
    long[] shape = [batch, 3, 224, 224];
    using var x = randn(shape);
    var data = x.data<float>().ToArray();
    using var noGrad = no_grad();
    var sides = new (string Side, Action Run)[]
    {
        ("modeldsl_onnx_ort", () => oursOrt.Run(data, shape)),
        ("pytorch_onnx_ort", () => theirsOrt.Run(data, shape)),
        ("modeldsl_torchsharp", () => { using var y = model.call(x); }),
    };
    var medians = sides.ToDictionary(s => s.Side, _ => new List<double>());
    foreach (var side in sides)
    {
        side.Run();
        side.Run();
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

            medians[side].Add(Median(times));
        }
    }

    foreach (var (side, values) in medians)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"model\":\"{name}\",\"batch\":{batch},\"side\":\"{side}\",\"median_ms\":{Median(values):F2},\"min_ms\":{values.Min():F2},\"max_ms\":{values.Max():F2},\"threads\":{threads}}}"));
    }
}
finally
{
    model.Dispose();
    directory.Delete(recursive: true);
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
