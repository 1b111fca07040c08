using System.Globalization;
using System.Text.Json;
using ModelDsl.Benchmarks.Shared;
using ModelDsl.Zoo.ResNets;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.QuantSpeed;

/// <summary>
/// The zoo's ResNet18 (float32) against its generated ResNet18Int8, uncalibrated (int8-stored convolutions computing in
/// float32) and calibrated (int8 convolutions), and both with their batch norms folded (BatchNormFolding: into the
/// float32 weights, and into what the int8 convolutions pack), in one process with interleaved rounds; then, with
/// --profile, each distinct convolution of the network alone, float32 against int8, at the shape it sees in the network.
/// </summary>
internal static class ResNet18Int8Speed
{
    public static void Run(int batch, int rounds, int reps, int warmup, bool profile)
    {
        manual_seed(0);
        using var dense = new ResNet18();
        dense.eval();
        using var stored = ResNet18Int8.FromDense(dense);
        using var int8 = ResNet18Int8.FromDense(dense);
        using var int8Folded = ResNet18Int8.FromDense(dense);
        using var denseFolded = new ResNet18();
        denseFolded.load_state_dict(dense.state_dict());
        foreach (var model in new nn.Module[] { stored, int8, int8Folded, denseFolded })
        {
            model.eval();
        }

        using var noGrad = no_grad();
        using var calibration = randn(batch, 3, 224, 224);
        Int8Calibration.Run(int8, calibration);
        Int8Calibration.Run(int8Folded, calibration);
        using var int8Fold = BatchNormFolding.Fold(int8Folded);
        using var denseFold = BatchNormFolding.Fold(denseFolded);
        using var input = randn(batch, 3, 224, 224);

        double error, storedError, foldedError;
        using (var scope = NewDisposeScope())
        {
            var reference = dense.call(input);
            error = Relative(int8.call(input), reference);
            storedError = Relative(stored.call(input), reference);
            foldedError = Relative(int8Folded.call(input), reference);
        }

        (string Name, nn.Module<Tensor, Tensor> Model)[] models =
            [("float32", dense), ("int8_stored", stored), ("int8", int8), ("float32_folded", denseFolded), ("int8_folded", int8Folded)];
        var perRound = models.ToDictionary(m => m.Name, _ => new List<double>());
        var fastest = models.ToDictionary(m => m.Name, _ => double.MaxValue);
        // CPU time per forward (both threads, warm-up forwards included: the same work), which a preempted forward
        // does not inflate the way it does wall time; a second view of the ratio on a loaded machine.
        var cpuPerRound = models.ToDictionary(m => m.Name, _ => new List<double>());
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var (name, model) in models.Skip(round % models.Length).Concat(models.Take(round % models.Length)))
            {
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var times = Forwards.Time(model, input, warmup, reps);
                process.Refresh();
                var cpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / (warmup + reps);
                cpuPerRound[name].Add(cpuMs);
                perRound[name].Add(times[times.Count / 2]);
                fastest[name] = Math.Min(fastest[name], times[0]);
                Console.WriteLine(JsonSerializer.Serialize(new { round, model = "resnet18_" + name, batch, median_ms = times[times.Count / 2], min_ms = times[0], cpu_ms = cpuMs }));
            }
        }

        var floatMs = ModelDsl.Benchmarks.Shared.Forwards.Median(perRound["float32"]);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            summary = true,
            model = "resnet18",
            batch,
            threads = get_num_threads(),
            rounds,
            reps,
            float32_ms = floatMs,
            int8_stored_ms = ModelDsl.Benchmarks.Shared.Forwards.Median(perRound["int8_stored"]),
            int8_ms = ModelDsl.Benchmarks.Shared.Forwards.Median(perRound["int8"]),
            int8_speedup = floatMs / ModelDsl.Benchmarks.Shared.Forwards.Median(perRound["int8"]),
            int8_stored_speedup = floatMs / ModelDsl.Benchmarks.Shared.Forwards.Median(perRound["int8_stored"]),
            // The fastest single forward of each over the run: on a shared machine, the closest to an idle one.
            float32_min_ms = fastest["float32"],
            int8_stored_min_ms = fastest["int8_stored"],
            int8_min_ms = fastest["int8"],
            int8_min_speedup = fastest["float32"] / fastest["int8"],
            float32_cpu_ms = ModelDsl.Benchmarks.Shared.Forwards.Median(cpuPerRound["float32"]),
            int8_cpu_ms = ModelDsl.Benchmarks.Shared.Forwards.Median(cpuPerRound["int8"]),
            int8_cpu_speedup = ModelDsl.Benchmarks.Shared.Forwards.Median(cpuPerRound["float32"]) / ModelDsl.Benchmarks.Shared.Forwards.Median(cpuPerRound["int8"]),
            int8_relative_error = error,
            int8_stored_relative_error = storedError,
            float32_folded_ms = ModelDsl.Benchmarks.Shared.Forwards.Median(perRound["float32_folded"]),
            int8_folded_ms = ModelDsl.Benchmarks.Shared.Forwards.Median(perRound["int8_folded"]),
            int8_folded_pairs = int8Fold.Pairs,
            int8_folded_speedup = floatMs / ModelDsl.Benchmarks.Shared.Forwards.Median(perRound["int8_folded"]),
            int8_folded_vs_float32_folded = ModelDsl.Benchmarks.Shared.Forwards.Median(perRound["float32_folded"]) / ModelDsl.Benchmarks.Shared.Forwards.Median(perRound["int8_folded"]),
            int8_folded_min_speedup = fastest["float32"] / fastest["int8_folded"],
            int8_folded_relative_error = foldedError,
        }));

        if (profile)
        {
            Profile(batch, reps, warmup);
        }
    }

    // ResNet-18's distinct convolutions at batch N and 224² (in, out, kernel, stride, input side), each timed alone on a
    // channels-last input as the network feeds it; "count" is how many times the network runs it.
    private static readonly (long In, long Out, long Kernel, long Stride, long Side, int Count)[] Convolutions =
    [
        (3, 64, 7, 2, 224, 1), (64, 64, 3, 1, 56, 4), (64, 128, 3, 2, 56, 1), (128, 128, 3, 1, 28, 3), (64, 128, 1, 2, 56, 1),
        (128, 256, 3, 2, 28, 1), (256, 256, 3, 1, 14, 3), (128, 256, 1, 2, 28, 1),
        (256, 512, 3, 2, 14, 1), (512, 512, 3, 1, 7, 3), (256, 512, 1, 2, 14, 1),
    ];

    private static void Profile(int batch, int reps, int warmup)
    {
        // Medians and minima: on a loaded machine a single layer's forward is often preempted for a whole time slice.
        double floatTotal = 0, int8Total = 0, floatMinTotal = 0, int8MinTotal = 0;
        foreach (var (inChannels, outChannels, kernel, stride, side, count) in Convolutions)
        {
            using var scope = NewDisposeScope();
            var padding = kernel / 2;
            var conv = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: padding, bias: false);
            var int8 = new Int8Conv2d(inChannels, outChannels, kernel, stride: stride, padding: padding, bias: false);
            int8.Quantize(conv.weight!, null);
            ChannelsLast.Apply(conv);
            ChannelsLast.Apply(int8);
            // After a ReLU, as every convolution but the stem's sees its input.
            var x = ChannelsLast.Contiguous(inChannels == 3 ? randn(batch, inChannels, side, side) : randn(batch, inChannels, side, side).relu());
            Int8Calibration.Run(int8, x);
            var error = Relative(int8.call(x), conv.call(x));
            var floatTimes = Forwards.Time(conv, x, warmup, reps);
            var int8Times = Forwards.Time(int8, x, warmup, reps);
            var (floatMs, int8Ms) = (floatTimes[reps / 2], int8Times[reps / 2]);
            (floatTotal, int8Total) = (floatTotal + (count * floatMs), int8Total + (count * int8Ms));
            (floatMinTotal, int8MinTotal) = (floatMinTotal + (count * floatTimes[0]), int8MinTotal + (count * int8Times[0]));
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                profile = string.Create(CultureInfo.InvariantCulture, $"conv {inChannels}->{outChannels} k{kernel} s{stride} @{side}"),
                count,
                float32_ms = floatMs,
                int8_ms = int8Ms,
                speedup = floatMs / int8Ms,
                float32_min_ms = floatTimes[0],
                int8_min_ms = int8Times[0],
                min_speedup = floatTimes[0] / int8Times[0],
                relative_error = error,
            }));
        }
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            profile = "all convolutions (x count)",
            float32_ms = floatTotal,
            int8_ms = int8Total,
            speedup = floatTotal / int8Total,
            float32_min_ms = floatMinTotal,
            int8_min_ms = int8MinTotal,
            min_speedup = floatMinTotal / int8MinTotal,
        }));
    }

    private static double Relative(Tensor actual, Tensor expected) => (actual - expected).norm().item<float>() / (double)expected.norm().item<float>();
}
