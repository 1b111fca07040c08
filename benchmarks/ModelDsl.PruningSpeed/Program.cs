// Times eval-mode forward passes of the zoo's ResNet18 and of ResNet18Half (the same network at half width) — or, with
// --model vit_b_16, of VitB16 and VitB16Half (6 of 12 heads and 1536 of 3072 MLP neurons per layer) — in one
// process, in interleaved rounds, and prints one JSON line per round and a summary line:
//   dotnet ModelDsl.PruningSpeed.dll --batch 8 --rounds 7 --reps 5 --warmup 3 --threads 2 [--model resnet18|vit_b_16] [--profile] [--fold]
// Each round times REPS forwards of each model after WARMUP untimed ones, the order of
// the two models alternating from round to round so a slow spell of the machine falls on both; the summary is the
// median of the per-round medians, the speedup dense/half, and the compile-time MAC ratio next to it.
using System.Globalization;
using System.Text.Json;
using ModelDsl;
using ModelDsl.Zoo.ResNets;
using ModelDsl.Zoo.Transformers;
using static TorchSharp.torch;

var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : "");
int Option(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var batch = Option("batch", 8);
var rounds = Option("rounds", 7);
var reps = Option("reps", 5);
var warmup = Option("warmup", 3);
var threads = Option("threads", 2);

var vit = options.TryGetValue("model", out var which) && which == "vit_b_16";
set_num_threads(threads);
Layer dense = vit ? new VitB16() : new ResNet18();
Layer half = vit ? VitB16Half.FromDense((VitB16)dense) : ResNet18Half.FromDense((ResNet18)dense);
dense.eval();
half.eval();
// --fold: both models' batch norms folded into their convolutions (BatchNormFolding), as an inference deployment would.
using var denseFold = options.ContainsKey("fold") ? BatchNormFolding.Fold(dense) : null;
using var halfFold = options.ContainsKey("fold") ? BatchNormFolding.Fold(half) : null;
using var noGrad = no_grad();
manual_seed(0);
using var nchw = randn(batch, 3, 224, 224);
// The generated conv models keep their weights channels-last and convert a 4-d input in forward; the input is
// handed over already channels-last, as zoo_speed.sh's "channels_last" layout does. ViT's one convolution (the patch
// embedding) takes the input as it is.
using var input = vit ? nchw.alias() : ChannelsLast.Contiguous(nchw);

var (denseName, halfName) = vit ? ("vit_b_16", "vit_b_16_half") : ("resnet18", "resnet18_half");
(string Name, Layer Model)[] models = [(denseName, dense), (halfName, half)];
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

var denseMs = ModelDsl.Benchmarks.Shared.Forwards.Median(perRound[denseName]);
var halfMs = ModelDsl.Benchmarks.Shared.Forwards.Median(perRound[halfName]);
var speedup = denseMs / halfMs;
var (denseMacs, halfMacs) = vit ? (VitB16.TotalMacs, VitB16Half.TotalMacs) : (ResNet18.TotalMacs, ResNet18Half.TotalMacs);
var macRatio = (double)denseMacs / halfMacs;
// FLOPs count the element-wise work too (batch norm, ReLU, pooling, adds), which halving the channels only halves.
var flopRatio = vit ? (double)VitB16.TotalFlops / VitB16Half.TotalFlops : (double)ResNet18.TotalFlops / ResNet18Half.TotalFlops;
var summary = new Dictionary<string, object>
{
    ["summary"] = true,
    ["batch"] = batch,
    ["threads"] = get_num_threads(),
    ["rounds"] = rounds,
    ["folded_pairs"] = denseFold?.Pairs ?? 0,
    ["reps"] = reps,
    [denseName + "_ms"] = denseMs,
    [halfName + "_ms"] = halfMs,
    ["speedup"] = speedup,
    [denseName + "_macs"] = denseMacs,
    [halfName + "_macs"] = halfMacs,
    ["mac_ratio"] = macRatio,
    ["efficiency"] = speedup / macRatio,
    ["flop_ratio"] = flopRatio,
    ["speedup_per_flop_ratio"] = speedup / flopRatio,
};
Console.WriteLine(JsonSerializer.Serialize(summary));

// --profile: after the timed rounds, where each model's forward time goes, by module type (hooks; see LayerKindTimes).
if (options.ContainsKey("profile"))
{
    // Two passes, interleaved as the rounds are; the first with hooks attached ran the dense model 30 % slower than its
    // rounds (measured 15:04 UTC), so only the second is printed.
    for (var pass = 1; pass <= 2; pass++)
    {
        foreach (var (name, model) in models)
        {
            var (forwardMs, byKind) = ModelDsl.Benchmarks.PruningSpeed.LayerKindTimes.Measure(model, input, warmup, reps);
            if (pass == 2)
            {
                Console.WriteLine(JsonSerializer.Serialize(new { profile = name, forward_ms = forwardMs, by_kind_ms = byKind.OrderByDescending(k => k.Value).ToDictionary(k => k.Key, k => Math.Round(k.Value, 2)) }));
            }
        }
    }
}

dense.Dispose();
half.Dispose();
