// Times eval-mode forward passes of a zoo model and prints a JSON line per layout:
//   dotnet ModelDsl.ZooSpeed.dll --side modeldsl --model resnet18 --batch 8 --reps 10 --warmup 3 --threads 2
// --side modeldsl: the DSL-declared model (ModelDsl.Zoo); --side torchvision_net: TorchVision.NET's hand-written
// torchvision.models.* (TorchSharp's own port). The same fields as zoo_speed.py prints for PyTorch, so zoo_speed.sh
// can put the three side by side.
using System.Globalization;
using System.Text.Json;
using ModelDsl;
using ModelDsl.Zoo.ResNets;
using ModelDsl.Zoo.Transformers;
using TorchSharp;
using static TorchSharp.torch;
using MobileNetV2 = ModelDsl.Zoo.MobileNets.MobileNetV2;

var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : "");
string Option(string name, string fallback) => options.TryGetValue(name, out var v) ? v : fallback;
var side = Option("side", "modeldsl");
var modelName = Option("model", "resnet18");
var batch = int.Parse(Option("batch", "8"), CultureInfo.InvariantCulture);
var reps = int.Parse(Option("reps", "10"), CultureInfo.InvariantCulture);
var warmup = int.Parse(Option("warmup", "3"), CultureInfo.InvariantCulture);
var threads = int.Parse(Option("threads", "2"), CultureInfo.InvariantCulture);
// A transformer has no convolution stack whose layout could change: ViT runs in PyTorch's default layout only.
var layouts = Option("layouts", modelName.StartsWith("vit", StringComparison.Ordinal) ? "nchw" : "channels_last,nchw").Split(',');

// TorchSharp defaults to one intra-op thread per core; set it explicitly so every side runs the same count.
set_num_threads(threads);

// ModelDsl tunes glibc's malloc when its assembly loads (MallocTuning), for the whole process. Touched here, before
// any model exists, so that every side runs with it — TorchVision.NET's too, as in an application that references
// ModelDsl — rather than whichever side first happens to load ModelDsl.
var mallocTuned = MallocTuning.Applied;

// --side winograd: ResNet-18's 3x3 stride-1 convolutions, oneDNN's direct one against Winograd built from libtorch's
// operators, phase by phase (Winograd.cs).
if (side == "winograd")
{
    ModelDsl.Benchmarks.ZooSpeed.Winograd.Run(batch);
    return;
}

// --side prepack: single convolutions, eager against with the weight prepacked as a folded one is (Prepack.cs).
if (side == "prepack")
{
    ModelDsl.Benchmarks.ZooSpeed.Prepack.Run(batch);
    return;
}

// --side ops: every operation of a folded ResNet-18 forward timed alone, hot in cache, and their sum (OpSum.cs).
if (side == "ops")
{
    ModelDsl.Benchmarks.ZooSpeed.OpSum.Run(batch);
    return;
}

// --side bound (resnet18 only): the machine's fp32 multiply-add peak, and a ResNet-18 forward of nothing but its folded,
// prepacked convolutions, pools and classifier (ConvBound) — the floor under any fp32 ResNet-18 on libtorch here.
if (side == "bound")
{
    if (modelName != "resnet18")
    {
        throw new ArgumentException($"--side bound times ResNet-18 only, not '{modelName}'");
    }

    Console.WriteLine(JsonSerializer.Serialize(new { side = "fma_peak", model = modelName, threads, gmac_per_s = ModelDsl.Benchmarks.ZooSpeed.FmaPeak.GigaMacsPerSecond(threads) }));
    using var resnet = new ResNet18();
    resnet.eval();
    using var bound = new ModelDsl.Benchmarks.ZooSpeed.ConvBound(resnet);
    using var boundGrad = no_grad();
    manual_seed(0);
    using var boundInput = randn(batch, 3, 224, 224);
    var boundTimes = ModelDsl.Benchmarks.Shared.Forwards.Time(bound.Forward, boundInput, warmup, reps);
    Console.WriteLine(JsonSerializer.Serialize(new { side, model = modelName, layout = "blocked", batch, macs_per_image = ResNet18.TotalMacs, threads = get_num_threads(), median_ms = boundTimes[boundTimes.Count / 2], min_ms = boundTimes[0] }));
    return;
}

// --side modeldsl_folded: the DSL-declared model with its batch norms folded into its convolutions (BatchNormFolding);
// modeldsl_folded_eager is the same side, which zoo_speed.sh runs with MODELDSL_PREPACK=0 (no prepacked weights).
var folded = side is "modeldsl_folded" or "modeldsl_folded_eager";
using Layer model = (folded ? "modeldsl" : side, modelName) switch
{
    ("modeldsl", "resnet18") => new ResNet18(),
    ("modeldsl", "resnet50") => new ResNet50(),
    ("modeldsl", "mobilenet_v2") => new MobileNetV2(),
    ("modeldsl", "vit_b_16") => new VitB16(),
    ("torchvision_net", "resnet18") => torchvision.models.resnet18(),
    ("torchvision_net", "resnet50") => torchvision.models.resnet50(),
    ("torchvision_net", "mobilenet_v2") => torchvision.models.mobilenet_v2(),
    // TorchVision.NET 0.107 has no vision transformer.
    _ => throw new ArgumentException($"no model '{modelName}' on side '{side}' (bound: resnet18; modeldsl: resnet18, resnet50, mobilenet_v2, vit_b_16; torchvision_net: resnet18, resnet50, mobilenet_v2)"),
};
model.eval();
using var fold = folded ? ModelDsl.BatchNormFolding.Fold(model) : null;
using var noGrad = no_grad();
manual_seed(0);
using var nchw = randn(batch, 3, 224, 224);

// NCHW first: TorchVision.NET's channels-last run re-lays its weights for good.
foreach (var layout in layouts.OrderBy(l => l == "channels_last"))
{
    var channelsLast = layout == "channels_last";
    // The generated conv models store their weights channels-last by themselves (MemoryFormat.Auto) and convert a 4-d
    // input in forward: "channels_last" hands them an input already converted (as zoo_speed.py does for PyTorch),
    // "nchw" a plain NCHW tensor, converted inside the timed forward — what a user gets without doing anything.
    // TorchVision.NET's models are NCHW as built; "channels_last" re-lays their weights and the input, as PyTorch's
    // model.to(memory_format=torch.channels_last) does.
    if (channelsLast && side == "torchvision_net")
    {
        ChannelsLast.Apply(model);
    }
    using var input = channelsLast ? ChannelsLast.Contiguous(nchw) : nchw.contiguous();
    var faultsBefore = MinorFaults();
    var times = ModelDsl.Benchmarks.Shared.Forwards.Time(model, input, warmup, reps);
    var faultsPerForward = (MinorFaults() - faultsBefore) / (warmup + reps);
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        side,
        model = modelName,
        layout,
        batch,
        threads = get_num_threads(),
        malloc_tuned = mallocTuned,
        // Whether a folded model's convolutions may use prepacked weights (MODELDSL_PREPACK=0 turns it off).
        prepack = Environment.GetEnvironmentVariable("MODELDSL_PREPACK") != "0",
        // Minor page faults per forward, warm-ups included (Linux: /proc/self/stat); what the malloc tuning removes.
        minor_faults_per_forward = faultsPerForward,
        median_ms = times[times.Count / 2],
        min_ms = times[0],
    }));
}

// The process's minor page faults so far: field 10 of /proc/self/stat, after the parenthesised command name.
static long MinorFaults()
{
    var stat = File.ReadAllText("/proc/self/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return long.Parse(fields[7], CultureInfo.InvariantCulture);
}
