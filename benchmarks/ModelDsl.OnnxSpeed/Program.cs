// Usage: ModelDsl.OnnxSpeed <model> <pytorch.onnx> <batch> <rounds> <reps> <threads> <onnx|torchsharp>
// "onnx": our export and PyTorch's, both in ONNX Runtime, interleaved in this process (the order rotating every round);
// "torchsharp": the generated TorchSharp module alone (libtorch's OpenMP threads and ONNX Runtime's pool would
// otherwise compete for the cores inside one process). Each side runs `reps` timed forwards per round after a warm-up;
// prints one JSON line per side with the median over rounds of the per-round median milliseconds.
// "optimized <dir>": writes both files as ONNX Runtime optimises them (all levels) to <dir>, to compare their graphs.
// Usage: ModelDsl.OnnxSpeed int8 <resnet18|mlp_block> <batch> <rounds> <reps> <threads> [<dir>]: the int8 variant's QDQ export vs
// the dense model's float32 export, both in ONNX Runtime (Int8Speed.cs); <dir> receives the optimised int8 graph.
// Usage: ModelDsl.OnnxSpeed fashion <dataset dir> <steps>: top-1 agreement of FashionNetInt8's QDQ export with FashionNet's
// float32 export on the Fashion-MNIST test set, after a short seeded training (FashionAgreement.cs).
using ModelDsl.Benchmarks.Shared;
using System.Diagnostics;
using System.Globalization;
using ModelDsl.Onnx;
using ModelDsl.Zoo.MobileNets;
using ModelDsl.Zoo.ResNets;
using ModelDsl.Zoo.StateSpace;
using ModelDsl.Zoo.Swin;
using ModelDsl.Zoo.Transformers;
using TorchSharp;
using static TorchSharp.torch;

if (args[0] == "int8")
{
    ModelDsl.OnnxSpeed.Int8Speed.Run(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture), int.Parse(args[5], CultureInfo.InvariantCulture), args.Length > 6 ? args[6] : null);
    return;
}

if (args[0] == "fashion")
{
    ModelDsl.OnnxSpeed.FashionAgreement.Run(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
    return;
}

var (name, pytorchFile) = (args[0], args[1]);
var (batch, rounds, reps, threads) = (int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture), int.Parse(args[5], CultureInfo.InvariantCulture));
var onnxSides = args[6] == "onnx";
torch.set_num_threads(threads);
manual_seed(0);
nn.Module<Tensor, Tensor> model;
Action<string> export;
switch (name)
{
    case "resnet18": { var m = new ResNet18(); (model, export) = (m, m.ExportOnnx); break; }
    case "mobilenet_v2": { var m = new MobileNetV2(); (model, export) = (m, m.ExportOnnx); break; }
    case "vit_b_16": { var m = new VitB16(); (model, export) = (m, m.ExportOnnx); break; }
    case "swin_v2_t": { var m = new SwinV2T(); (model, export) = (m, m.ExportOnnx); break; }
    case "mamba_stack": { var m = new MambaStack(); (model, export) = (m, m.ExportOnnx); break; }
    default: throw new ArgumentException("unknown model " + name);
}

// PyTorch 1.13 cannot export these two (swin_v2_t: "aten::zero … not supported"; Mamba is not in torchvision): with
// "-" for the PyTorch file the "onnx" side times ModelDsl's export alone.
long[] sample = name switch
{
    "swin_v2_t" => [3, 256, 256],
    "mamba_stack" => [1024, 768],
    _ => [3, 224, 224],
};

model.eval();
var directory = Directory.CreateTempSubdirectory("onnx-speed-");
try
{
    var ours = Path.Combine(directory.FullName, name + ".onnx");
    long[] shape = [batch, .. sample];
    using var x = randn(shape);
    var data = x.data<float>().ToArray();
    using var noGrad = no_grad();
    OnnxModel? oursOrt = null, theirsOrt = null;
    (string Side, Action Run)[] sides;
    if (args[6] == "optimized")
    {
        export(ours);
        foreach (var (file, label) in new[] { (ours, "modeldsl"), (pytorchFile, "pytorch") })
        {
            using var options = new Microsoft.ML.OnnxRuntime.SessionOptions
            {
                GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
                OptimizedModelFilePath = Path.Combine(args[7], name + "." + label + ".optimized.onnx"),
            };
            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(file, options);
        }

        return;
    }

    if (onnxSides)
    {
        export(ours);
        oursOrt = OnnxModel.Load(ours, threads);
        theirsOrt = pytorchFile == "-" ? null : OnnxModel.Load(pytorchFile, threads);
        sides = theirsOrt is null
            ? [("modeldsl_onnx_ort", () => oursOrt.Run(data, shape))]
            : [("modeldsl_onnx_ort", () => oursOrt.Run(data, shape)), ("pytorch_onnx_ort", () => theirsOrt.Run(data, shape))];
    }
    else
    {
        sides = [("modeldsl_torchsharp", () => { using var y = model.call(x); })];
    }

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

            medians[side].Add(Forwards.Median(times));
        }
    }

    foreach (var (side, values) in medians)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"model\":\"{name}\",\"batch\":{batch},\"side\":\"{side}\",\"median_ms\":{Forwards.Median(values):F2},\"min_ms\":{values.Min():F2},\"max_ms\":{values.Max():F2},\"threads\":{threads}}}"));
    }

    oursOrt?.Dispose();
    theirsOrt?.Dispose();
}
finally
{
    model.Dispose();
    directory.Delete(recursive: true);
}
