using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Benchmarks;

/// <summary>
/// <c>--quick</c>: no BenchmarkDotNet, just a Stopwatch. Every case is warmed up (which also estimates its per-call
/// time), then timed in <c>reps</c> repetitions of about <c>rep-us</c> µs each, the cases taking turns within each
/// repetition — so the generated model, the hand-written module and the hand-written Sequential are measured
/// interleaved in one process. One JSON line per case gives the median (and min) per-call wall time in µs, and the
/// median per-call CPU time of this thread (CLOCK_THREAD_CPUTIME_ID), which time slices lost to other processes on a
/// busy machine do not inflate. benchmarks/overhead.py prints the same lines, measured the same way.
/// Options: <c>--threads N</c>, <c>--reps N</c>, <c>--rep-us N</c>, <c>--warmup N</c>, <c>--only case/variant</c>.
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
            torch.set_num_threads(t);
        }

        using var noGrad = torch.no_grad();
        var linearRelu = Models.LinearRelu();
        var mlp4 = Models.Mlp4();

        var cases = new List<Case>();
        void Add(string name, Models.Implementations m)
        {
            var x = m.Input;
            // In a dispose scope, the way TorchSharp's docs write a loop: every temporary is freed at the scope's end.
            cases.Add(new(name, "generated/scope", () => { using var s = torch.NewDisposeScope(); m.Generated.call(x); }, Models.Checksum(m.Generated, x)));
            cases.Add(new(name, "hand/scope", () => { using var s = torch.NewDisposeScope(); m.Hand.call(x); }, Models.Checksum(m.Hand, x)));
            cases.Add(new(name, "sequential/scope", () => { using var s = torch.NewDisposeScope(); m.Sequential.call(x); }, Models.Checksum(m.Sequential, x)));
            // Only the result to free: generated and hand-written forwards free their intermediates themselves.
            cases.Add(new(name, "generated/using", () => { using var y = m.Generated.call(x); }, Models.Checksum(m.Generated, x)));
            cases.Add(new(name, "hand/using", () => { using var y = m.Hand.call(x); }, Models.Checksum(m.Hand, x)));
        }
        Add("linear_relu", linearRelu);
        Add("mlp4", mlp4);

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
                $$"""{"side":"torchsharp","case":"{{c.Name}}","variant":"{{c.Variant}}","threads":{{torch.get_num_threads()}},"median_us":{{times[times.Count / 2]:F3}},"min_us":{{times[0]:F3}},"cpu_median_us":{{cpuTimes[cpuTimes.Count / 2]:F3}},"reps":{{reps}},"iters":{{iters[c]}},"checksum":{{c.Checksum:R}},"libtorch":"{{LibTorchVersion}}"}"""));
        }
        return 0;
    }

    /// <summary>The libtorch TorchSharp runs on (TorchSharp-cpu 0.107.0 ships 2.10.0).</summary>
    private static string LibTorchVersion => torch.__version__;

    internal static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
