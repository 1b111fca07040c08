using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ModelDsl.Zoo.ResNets;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Benchmarks;

/// <summary>
/// <c>--resnet</c>: does raising glibc's malloc thresholds (<see cref="MallocTuning"/>, applied when ModelDsl loads, as
/// the old native shim did) still pay on libtorch 2.10? Times forwards of the generated ResNet-18 (batch 8, 224², eval,
/// no_grad) and counts the minor page faults per forward, in this process as it is started: benchmarks/malloc.sh starts
/// it with MODELDSL_MALLOC_TUNING=0 (glibc's defaults), as is (ModelDsl's mallopt), and with GLIBC_TUNABLES instead, in
/// alternating rounds. Options: <c>--warmup N</c>, <c>--forwards N</c>, <c>--threads N</c>, <c>--label S</c>.
/// </summary>
internal static partial class Allocator
{
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
        if (Quick.Option(args, "--threads", 0) is > 0 and var threads)
        {
            torch.set_num_threads(threads);
        }
        // Touching MallocTuning loads ModelDsl (if nothing has yet), which applies the tuning unless opted out.
        var tuned = MallocTuning.Applied;

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
            $$"""{"label":"{{label}}","threads":{{torch.get_num_threads()}},"median_ms":{{times[times.Count / 2]:F2}},"min_ms":{{times[0]:F2}},"median_minor_faults":{{faults[faults.Count / 2]}},"forwards":{{forwards}},"glibc_tunables":"{{Environment.GetEnvironmentVariable("GLIBC_TUNABLES")}}","modeldsl_tuning":{{(tuned ? "true" : "false")}}}"""));
        return 0;
    }
}
