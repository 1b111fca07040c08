using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ModelDsl.Zoo.ResNets;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Benchmarks;

/// <summary>
/// <c>--resnet</c>: does raising glibc's malloc thresholds (what the old native shim did at load, MODELDSL_MALLOC_TUNING)
/// still pay on libtorch 2.10? Times forwards of the generated ResNet-18 (batch 8, 224², eval, no_grad) and counts the
/// minor page faults per forward, in this process as it is started: benchmarks/malloc.sh starts it plainly, with
/// GLIBC_TUNABLES, and with <c>--mallopt</c> (the same thresholds set through libc's mallopt before the first tensor),
/// in alternating rounds. Options: <c>--warmup N</c>, <c>--forwards N</c>, <c>--threads N</c>, <c>--label S</c>.
/// </summary>
internal static partial class Allocator
{
    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVcsw, NIvcsw;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRUsage(int who, out RUsage usage);

    private static long MinorFaults()
    {
        _ = GetRUsage(0 /* RUSAGE_SELF */, out var usage);
        return usage.MinFlt;
    }

    public static int Run(string[] args)
    {
        var warmup = Quick.Option(args, "--warmup", 3);
        var forwards = Quick.Option(args, "--forwards", 10);
        var label = Array.IndexOf(args, "--label") is var l and >= 0 ? args[l + 1] : "default";
        var mallopt = args.Contains("--mallopt");
        if (Quick.Option(args, "--threads", 0) is > 0 and var threads)
        {
            torch.set_num_threads(threads);
        }
        if (mallopt)
        {
            // The old shim's values: mmap threshold 256 MiB (glibc caps it at 32 MiB on some versions), trim 1 GiB.
            var mmapOk = Mallopt(MMmapThreshold, 256 << 20) == 1 || Mallopt(MMmapThreshold, 32 << 20) == 1;
            var trimOk = Mallopt(MTrimThreshold, 1 << 30) == 1;
            if (!mmapOk || !trimOk)
            {
                throw new InvalidOperationException("mallopt refused the thresholds");
            }
        }

        torch.manual_seed(0);
        using var model = new ResNet18();
        model.eval();
        using var noGrad = torch.no_grad();
        using var input = torch.randn(8, 3, 224, 224);
        for (var i = 0; i < warmup; i++)
        {
            using var y = model.call(input);
        }

        var times = new List<double>();
        var faults = new List<long>();
        for (var i = 0; i < forwards; i++)
        {
            var before = MinorFaults();
            var sw = Stopwatch.StartNew();
            using (var y = model.call(input))
            {
                sw.Stop();
            }
            faults.Add(MinorFaults() - before);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        faults.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $$"""{"label":"{{label}}","threads":{{torch.get_num_threads()}},"median_ms":{{times[times.Count / 2]:F2}},"min_ms":{{times[0]:F2}},"median_minor_faults":{{faults[faults.Count / 2]}},"forwards":{{forwards}},"glibc_tunables":"{{Environment.GetEnvironmentVariable("GLIBC_TUNABLES")}}","mallopt":{{(mallopt ? "true" : "false")}}}"""));
        return 0;
    }
}
