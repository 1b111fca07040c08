// Times eval-mode forward passes of the zoo's ResNet18 and of ResNet18Half (the same network at half width) in one
// process, in interleaved rounds, and prints one JSON line per round and a summary line:
//   dotnet ModelDsl.PruningSpeed.dll --batch 8 --rounds 7 --reps 5 --warmup 3 --threads 2
// Each round times REPS forwards of each model after WARMUP untimed ones, the order of
// the two models alternating from round to round so a slow spell of the machine falls on both; the summary is the
// median of the per-round medians, the speedup dense/half, and the compile-time MAC ratio next to it.
using System.Globalization;
using System.Text.Json;
using ModelDsl;
using ModelDsl.Zoo.ResNets;
using static TorchSharp.torch;

var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : "");
int Option(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var batch = Option("batch", 8);
var rounds = Option("rounds", 7);
var reps = Option("reps", 5);
var warmup = Option("warmup", 3);
var threads = Option("threads", 2);

set_num_threads(threads);
using var dense = new ResNet18();
using var half = ResNet18Half.FromDense(dense);
dense.eval();
half.eval();
using var noGrad = no_grad();
manual_seed(0);
using var nchw = randn(batch, 3, 224, 224);
// The generated conv models keep their weights channels-last and convert a 4-d input in forward; the input is
// handed over already channels-last, as zoo_speed.sh's "channels_last" layout does.
using var input = ChannelsLast.Contiguous(nchw);

(string Name, Layer Model)[] models = [("resnet18", dense), ("resnet18_half", half)];
var perRound = models.ToDictionary(m => m.Name, _ => new List<double>());
for (var round = 1; round <= rounds; round++)
{
    var order = round % 2 == 1 ? models : models.Reverse().ToArray();
    foreach (var (name, model) in order)
    {
        var times = ModelDsl.Benchmarks.Shared.Forwards.Time(model, input, warmup, reps);
        perRound[name].Add(times[times.Count / 2]);
        Console.WriteLine(JsonSerializer.Serialize(new { round, model = name, batch, threads = get_num_threads(), median_ms = times[times.Count / 2], min_ms = times[0] }));
    }
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}
var denseMs = Median(perRound["resnet18"]);
var halfMs = Median(perRound["resnet18_half"]);
var speedup = denseMs / halfMs;
var macRatio = (double)ResNet18.TotalMacs / ResNet18Half.TotalMacs;
Console.WriteLine(JsonSerializer.Serialize(new
{
    summary = true,
    batch,
    threads = get_num_threads(),
    rounds,
    reps,
    resnet18_ms = denseMs,
    resnet18_half_ms = halfMs,
    speedup,
    resnet18_macs = ResNet18.TotalMacs,
    resnet18_half_macs = ResNet18Half.TotalMacs,
    mac_ratio = macRatio,
    efficiency = speedup / macRatio,
}));
