using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ModelDsl.Benchmarks;

/// <summary>
/// <c>--quick</c>: no BenchmarkDotNet, just a Stopwatch. Every case is warmed up (which also estimates its
/// per-call time), then timed in <c>reps</c> repetitions of about <c>rep-us</c> µs each, the cases taking turns
/// within each repetition. One JSON line per case gives the median (and min) per-call wall time in µs, and the
/// median per-call CPU time of this thread (CLOCK_THREAD_CPUTIME_ID), which time slices lost to other processes
/// on a busy machine do not inflate. benchmarks/overhead.py prints the same lines, measured the same way.
/// Options: <c>--threads N</c>, <c>--reps N</c>, <c>--rep-us N</c>, <c>--warmup N</c>; <c>--breakdown</c> adds
/// pieces of a call (P/Invoke, scope, result wrapping, …) for profiling; <c>--only case/variant</c> runs one case.
/// </summary>
internal static partial class Quick
{
    private sealed record Case(string Name, string Variant, Action Call, double Checksum);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private const int ClockThreadCpuTimeId = 3;

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);

    /// <summary>CPU time consumed by the calling thread, in µs (what Python's time.thread_time_ns() reads).</summary>
    private static double ThreadCpuMicroseconds()
    {
        _ = ClockGetTime(ClockThreadCpuTimeId, out var t);
        return t.Seconds * 1e6 + t.Nanoseconds / 1e3;
    }

    public static int Run(string[] args)
    {
        var reps = Option(args, "--reps", 51);
        var repMicroseconds = Option(args, "--rep-us", 2000);
        var warmup = Option(args, "--warmup", 3000);
        if (Option(args, "--threads", 0) is > 0 and var t)
        {
            Torch.Threads = t;
        }

        using var noGrad = Torch.NoGrad();
        var (linearRelu, linearReluInput) = Models.LinearRelu();
        var (mlp4, mlp4Input) = Models.Mlp4();
        var lin = (Linear)linearRelu[0];

        var cases = new List<Case>
        {
            new("relu", "using", () => { using var y = linearReluInput.Relu(); }, Sum(linearReluInput.Relu)),
            new("linear_relu", "scope", () => { using var s = Torch.NewDisposeScope(); linearRelu.Forward(linearReluInput); }, Models.Checksum(linearRelu, linearReluInput)),
            new("linear_relu", "using", () => { using var y = linearRelu.Forward(linearReluInput); }, Models.Checksum(linearRelu, linearReluInput)),
            new("linear_relu", "unfused", () => { using var h = lin.Forward(linearReluInput); using var y = h.Relu(); }, Models.Checksum(linearRelu, linearReluInput)),
            new("mlp4", "scope", () => { using var s = Torch.NewDisposeScope(); mlp4.Forward(mlp4Input); }, Models.Checksum(mlp4, mlp4Input)),
            new("mlp4", "using", () => { using var y = mlp4.Forward(mlp4Input); }, Models.Checksum(mlp4, mlp4Input)),
        };

        if (args.Contains("--breakdown"))
        {
            // Pieces of one call, for profiling the hot path (not part of the side-by-side table).
            cases.AddRange(
            [
                new("part:pinvoke", "grad_enabled", () => _ = Torch.IsGradEnabled, 0),
                new("part:scope", "empty", () => { using var s = Torch.NewDisposeScope(); }, 0),
                new("part:nograd", "scope", () => { using var g = Torch.NoGrad(); }, 0),
                new("part:alias", "using", () => { using var y = linearReluInput.Alias(); }, 0),
                new("part:relu", "scope", () => { using var s = Torch.NewDisposeScope(); linearReluInput.Relu(); }, 0),
                new("part:relu+size", "using", () => { using var y = linearReluInput.Relu(); _ = y.Size(-1); }, 0),
                new("part:functional_linear", "using", () => { using var y = Functional.Linear(linearReluInput, lin.Weight, lin.Bias); }, 0),
                new("part:linear_forward", "using", () => { using var y = lin.Forward(linearReluInput); }, 0),
                new("part:functional_linear_relu", "using", () => { using var y = Functional.LinearRelu(linearReluInput, lin.Weight, lin.Bias); }, 0),
            ]);
        }
        var only = Array.IndexOf(args, "--only") is var o and >= 0 ? args[o + 1] : null;
        if (only is not null)
        {
            cases.RemoveAll(c => $"{c.Name}/{c.Variant}" != only);
        }

        var iters = new Dictionary<Case, int>();
        foreach (var c in cases)
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < warmup; i++)
            {
                c.Call();
            }
            iters[c] = Math.Max(10, (int)(repMicroseconds / (sw.Elapsed.TotalMicroseconds / warmup)));
        }

        var wall = cases.ToDictionary(c => c, _ => new List<double>());
        var cpu = cases.ToDictionary(c => c, _ => new List<double>());
        for (var r = 0; r < reps; r++)
        {
            foreach (var c in cases)
            {
                var n = iters[c];
                var cpu0 = ThreadCpuMicroseconds();
                var sw = Stopwatch.StartNew();
                for (var i = 0; i < n; i++)
                {
                    c.Call();
                }
                sw.Stop();
                cpu[c].Add((ThreadCpuMicroseconds() - cpu0) / n);
                wall[c].Add(sw.Elapsed.TotalMicroseconds / n);
            }
        }

        foreach (var c in cases)
        {
            var times = wall[c];
            times.Sort();
            var cpuTimes = cpu[c];
            cpuTimes.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $$"""{"side":"modeldsl","case":"{{c.Name}}","variant":"{{c.Variant}}","threads":{{Torch.Threads}},"median_us":{{times[times.Count / 2]:F3}},"min_us":{{times[0]:F3}},"cpu_median_us":{{cpuTimes[cpuTimes.Count / 2]:F3}},"reps":{{reps}},"iters":{{iters[c]}},"checksum":{{c.Checksum:R}},"libtorch":"{{Torch.LibTorchVersion}}"}"""));
        }

        linearRelu.Dispose();
        linearReluInput.Dispose();
        mlp4.Dispose();
        mlp4Input.Dispose();
        return 0;
    }

    private static double Sum(Func<Tensor> f)
    {
        using var scope = Torch.NewDisposeScope();
        return f().Sum().Item();
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
