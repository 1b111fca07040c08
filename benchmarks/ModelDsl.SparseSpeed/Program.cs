// Times eval-mode forward passes of SparseMlp (float32) and its generated SparseMlpSparse90 (Prune = 0.9: masked dense
// weights, CSR where faster) and SparseMlpNm24 (2:4, compressed storage, dense compute on CPU) in one process, in
// interleaved rounds, and prints one JSON line per round and a summary with the speedups and weight bytes:
//   dotnet ModelDsl.SparseSpeed.dll --batch 8 --rounds 7 --reps 20 --warmup 5 --threads 2
// Each round times REPS forwards of each model after WARMUP untimed ones, the order of the models rotating from round
// to round; the summary is the median of the per-round medians, and the median ratio of dense/sparse forwards timed
// back to back (pairs). With --crossover it instead prints the sweep the
// SparseLinear rule comes from: CSR (W_csr · xᵀ)ᵀ against the dense linear, per weight size, density and rows.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ModelDsl;
using ModelDsl.SparseSpeed;
using TorchSharp;
using static TorchSharp.torch;

var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : "");
int Option(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var batch = Option("batch", 8);
var rounds = Option("rounds", 7);
var reps = Option("reps", 20);
var warmup = Option("warmup", 5);
var threads = Option("threads", 2);
set_num_threads(threads);
manual_seed(0);
using var noGrad = no_grad();

if (options.ContainsKey("crossover"))
{
    Crossover(rounds, reps, warmup);
    return;
}

using var dense = new SparseMlp();
using var sparse = SparseMlpSparse90.FromDense(dense);
using var nm = SparseMlpNm24.FromDense(dense);
dense.eval();
sparse.eval();
nm.eval();
using var input = randn(batch, 256);

// Against the dense model pruned the same way (the training utility's mask): CSR changes only the summation order.
static double Relative(Tensor actual, Tensor expected) => (actual - expected).norm().item<float>() / (double)expected.norm().item<float>();
static long StoredBytes(nn.Module module) => module.state_dict().Values.Sum(t => t.numel() * t.ElementSize);
double sparseError;
using (var masked = new SparseMlp())
using (var scope = NewDisposeScope())
{
    masked.load_state_dict(dense.state_dict());
    using var mask = MagnitudePruning.LayerWise(masked, 0.9);
    mask.Apply();
    sparseError = Relative(sparse.call(input), masked.call(input));
}

(string Name, Layer Model)[] models = [("float32", dense), ("sparse90", sparse), ("nm24", nm)];
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

// Paired: dense and sparse forwards one after the other, the ratio of each pair, so both halves of a ratio see the
// same moment of a loaded machine; the median over every pair of the run.
var pairRatios = new List<double>();
for (var i = 0; i < rounds * reps; i++)
{
    var clock = Stopwatch.StartNew();
    dense.call(input).Dispose();
    var denseMs = clock.Elapsed.TotalMilliseconds;
    clock.Restart();
    sparse.call(input).Dispose();
    pairRatios.Add(denseMs / clock.Elapsed.TotalMilliseconds);
}

var floatMs = ModelDsl.Benchmarks.Shared.Forwards.Median(perRound["float32"]);
var sparseMs = ModelDsl.Benchmarks.Shared.Forwards.Median(perRound["sparse90"]);
var nmMs = ModelDsl.Benchmarks.Shared.Forwards.Median(perRound["nm24"]);
Console.WriteLine(JsonSerializer.Serialize(new
{
    summary = true,
    batch,
    threads = get_num_threads(),
    rounds,
    reps,
    float32_ms = floatMs,
    sparse90_ms = sparseMs,
    nm24_ms = nmMs,
    sparse90_speedup = floatMs / sparseMs,
    nm24_speedup = floatMs / nmMs,
    // The fastest single forward of each model over the run: on a shared machine, the closest to an idle one.
    float32_min_ms = fastest["float32"],
    sparse90_min_ms = fastest["sparse90"],
    nm24_min_ms = fastest["nm24"],
    sparse90_min_speedup = fastest["float32"] / fastest["sparse90"],
    sparse90_paired_speedup = ModelDsl.Benchmarks.Shared.Forwards.Median(pairRatios),
    pairs = pairRatios.Count,
    dense_macs = SparseMlp.TotalMacs,
    sparse90_macs = SparseMlpSparse90.TotalMacs,
    sparse90_effective_macs_built = sparse.EffectiveMacs(),
    nm24_macs = SparseMlpNm24.TotalMacs,
    float32_weight_bytes = SparseMlp.WeightBytes,
    nm24_weight_bytes = SparseMlpNm24.WeightBytes,
    nm24_byte_ratio = (double)SparseMlpNm24.WeightBytes / SparseMlp.WeightBytes,
    built_bytes = new { float32 = StoredBytes(dense), sparse90 = StoredBytes(sparse), nm24 = StoredBytes(nm) },
    sparse90_relative_difference_vs_masked_dense = sparseError,
}));

// The CSR-against-dense sweep: for each weight size, density and row count, the median of per-round medians of both.
static void Crossover(int rounds, int reps, int warmup)
{
    var unit = jit.compile("def to_csr(w: Tensor) -> Tensor:\n    return w.to_sparse_csr()\n");
    foreach (var (rows, columns) in new[] { (4096L, 1024L), (1024L, 1024L), (256L, 784L) })
    {
        foreach (var density in new[] { 0.5, 0.3, 0.2, 0.1, 0.05 })
        {
            using var scope = NewDisposeScope();
            var weight = randn(rows, columns).mul(rand(rows, columns).lt(density));
            var csr = unit.invoke<Tensor>("to_csr", weight);
            foreach (var batch in new[] { 1L, 8L, 64L, 256L })
            {
                var x = randn(batch, columns);
                double Time(Func<Tensor> forward)
                {
                    var medians = new List<double>();
                    for (var round = 0; round < rounds; round++)
                    {
                        for (var i = 0; i < warmup; i++)
                        {
                            forward().Dispose();
                        }

                        var times = new List<double>();
                        for (var i = 0; i < reps; i++)
                        {
                            var clock = Stopwatch.StartNew();
                            forward().Dispose();
                            times.Add(clock.Elapsed.TotalMilliseconds);
                        }

                        times.Sort();
                        medians.Add(times[times.Count / 2]);
                    }

                    return ModelDsl.Benchmarks.Shared.Forwards.Median(medians);
                }

                var denseMs = Time(() => nn.functional.linear(x, weight));
                var csrMs = Time(() => { using var product = csr.mm(x.t()); return product.t().contiguous(); });
                Console.WriteLine(JsonSerializer.Serialize(new { weight = $"{rows}x{columns}", density, rows = batch, dense_ms = denseMs, csr_ms = csrMs, csr_speedup = denseMs / csrMs }));
            }
        }
    }
}
