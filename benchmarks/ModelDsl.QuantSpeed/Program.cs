// Times eval-mode forward passes of MlpBlock (float32) and its generated MlpBlockInt8 and MlpBlockInt4 in one process,
// in interleaved rounds, and prints one JSON line per round and a summary line with the speedups and weight bytes:
//   dotnet ModelDsl.QuantSpeed.dll --batch 64 --rounds 7 --reps 20 --warmup 5 --threads 2
// With --model resnet18 it times ResNet-18 against its int8 variant instead (ResNet18Int8Speed.cs; --profile adds each
// convolution alone):
//   dotnet ModelDsl.QuantSpeed.dll --model resnet18 --batch 8 --rounds 7 --reps 5 --warmup 2 --threads 2 --profile
// Each round times REPS forwards of each model after WARMUP untimed ones, the order of the models rotating from round
// to round so a slow spell of the machine falls on all; the summary is the median of the per-round medians (and the
// fastest single forward of each). Weight
// bytes are the compile-time constants and, next to them, the bytes of each built module's state dict.
using System.Globalization;
using System.Text.Json;
using ModelDsl.QuantSpeed;
using static TorchSharp.torch;

var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : "");
int Option(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var batch = Option("batch", 64);
var rounds = Option("rounds", 7);
var reps = Option("reps", 20);
var warmup = Option("warmup", 5);
var threads = Option("threads", 2);

set_num_threads(threads);
if (options.TryGetValue("model", out var modelName) && modelName == "resnet18")
{
    // Issue 9's int8 convolutions: ResNet-18 against its int8 variant (ResNet18Int8Speed.cs).
    ResNet18Int8Speed.Run(batch, rounds, reps, warmup, options.ContainsKey("profile"));
    return;
}
manual_seed(0);
using var dense = new MlpBlock();
using var int8 = MlpBlockInt8.FromDense(dense);
using var int4 = MlpBlockInt4.FromDense(dense);
dense.eval();
int8.eval();
int4.eval();
using var noGrad = no_grad();
using var input = randn(batch, 1024);

static double Relative(Tensor actual, Tensor expected) => (actual - expected).norm().item<float>() / (double)expected.norm().item<float>();
static long StoredBytes(TorchSharp.torch.nn.Module module) => module.state_dict().Values.Sum(t => t.numel() * t.ElementSize);
double int8Error, int4Error;
using (var scope = NewDisposeScope())
{
    var reference = dense.call(input);
    int8Error = Relative(int8.call(input), reference);
    int4Error = Relative(int4.call(input), reference);
}

(string Name, Layer Model)[] models = [("float32", dense), ("int8", int8), ("int4", int4)];
var perRound = models.ToDictionary(m => m.Name, _ => new List<double>());
var fastest = models.ToDictionary(m => m.Name, _ => double.MaxValue);
for (var round = 1; round <= rounds; round++)
{
    var order = models.Skip(round % models.Length).Concat(models.Take(round % models.Length));
    foreach (var (name, model) in order)
    {
        var times = ModelDsl.Benchmarks.Shared.Forwards.Time(model, input, warmup, reps);
        perRound[name].Add(times[times.Count / 2]);
        fastest[name] = Math.Min(fastest[name], times[0]);
        Console.WriteLine(JsonSerializer.Serialize(new { round, model = name, batch, threads = get_num_threads(), median_ms = times[times.Count / 2], min_ms = times[0] }));
    }
}

var floatMs = ModelDsl.Benchmarks.Shared.Forwards.Median(perRound["float32"]);
var int8Ms = ModelDsl.Benchmarks.Shared.Forwards.Median(perRound["int8"]);
var int4Ms = ModelDsl.Benchmarks.Shared.Forwards.Median(perRound["int4"]);
Console.WriteLine(JsonSerializer.Serialize(new
{
    summary = true,
    batch,
    threads = get_num_threads(),
    rounds,
    reps,
    float32_ms = floatMs,
    int8_ms = int8Ms,
    int4_ms = int4Ms,
    int8_speedup = floatMs / int8Ms,
    int4_speedup = floatMs / int4Ms,
    // The fastest single forward of each model over the run: on a shared machine, the closest to an idle one.
    float32_min_ms = fastest["float32"],
    int8_min_ms = fastest["int8"],
    int4_min_ms = fastest["int4"],
    int8_min_speedup = fastest["float32"] / fastest["int8"],
    float32_weight_bytes = MlpBlock.WeightBytes,
    int8_weight_bytes = MlpBlockInt8.WeightBytes,
    int4_weight_bytes = MlpBlockInt4.WeightBytes,
    int8_byte_ratio = (double)MlpBlockInt8.WeightBytes / MlpBlock.WeightBytes,
    int4_byte_ratio = (double)MlpBlockInt4.WeightBytes / MlpBlock.WeightBytes,
    built_bytes = new { float32 = StoredBytes(dense), int8 = StoredBytes(int8), int4 = StoredBytes(int4) },
    int8_relative_error = int8Error,
    int4_relative_error = int4Error,
}));
