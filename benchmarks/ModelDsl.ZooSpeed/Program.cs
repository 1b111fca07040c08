// Times one eval-mode forward pass of a DSL-declared zoo model and prints a JSON line per layout:
//   dotnet ModelDsl.ZooSpeed.dll --model resnet18 --batch 8 --reps 10 --warmup 3
// The same fields as zoo_speed.py prints for torchvision, so zoo_speed.sh can put them side by side.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ModelDsl;
using ModelDsl.Zoo.MobileNets;
using ModelDsl.Zoo.ResNets;

var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : "");
string Option(string name, string fallback) => options.TryGetValue(name, out var v) ? v : fallback;
var modelName = Option("model", "resnet18");
var batch = int.Parse(Option("batch", "8"), CultureInfo.InvariantCulture);
var reps = int.Parse(Option("reps", "10"), CultureInfo.InvariantCulture);
var warmup = int.Parse(Option("warmup", "3"), CultureInfo.InvariantCulture);
var layouts = Option("layouts", "channels_last,nchw").Split(',');

using Layer model = modelName switch
{
    "resnet18" => new ResNet18(),
    "resnet50" => new ResNet50(),
    "mobilenet_v2" => new MobileNetV2(),
    _ => throw new ArgumentException($"unknown model '{modelName}' (resnet18, resnet50, mobilenet_v2)"),
};
model.Eval();
using var noGrad = Torch.NoGrad();
Torch.ManualSeed(0);
using var nchw = Tensor.Randn([batch, 3, 224, 224]);

foreach (var layout in layouts)
{
    // The generated conv models store their weights channels-last by themselves (MemoryFormat.Auto) and convert a 4-d
    // input in Forward: "channels_last" hands it an input already converted (as zoo_speed.py does for PyTorch), "nchw"
    // a plain NCHW tensor, converted inside the timed Forward.
    var channelsLast = layout == "channels_last";
    using var input = channelsLast ? nchw.ContiguousChannelsLast() : nchw.Contiguous();
    for (var i = 0; i < warmup; i++)
    {
        model.Forward(input).Dispose();
    }
    var times = new List<double>();
    for (var i = 0; i < reps; i++)
    {
        var clock = Stopwatch.StartNew();
        model.Forward(input).Dispose();
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        side = "modeldsl",
        model = modelName,
        layout,
        batch,
        threads = Torch.Threads,
        malloc_tuning = Torch.MallocTuningApplied,
        median_ms = times[times.Count / 2],
        min_ms = times[0],
    }));
}
