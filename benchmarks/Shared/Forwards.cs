using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Benchmarks.Shared;

/// <summary>The timing loop the speed runners share: untimed warm-up forwards, then timed ones, each result freed at once.</summary>
internal static class Forwards
{
    /// <summary>The milliseconds of <paramref name="reps"/> forwards of <paramref name="model"/> on <paramref name="input"/>, sorted ascending.</summary>
    public static List<double> Time(nn.Module<Tensor, Tensor> model, Tensor input, int warmup, int reps) =>
        Time(model.call, input, warmup, reps);

    /// <summary>The milliseconds of <paramref name="reps"/> calls of <paramref name="forward"/> on <paramref name="input"/>, sorted ascending.</summary>
    public static List<double> Time(Func<Tensor, Tensor> forward, Tensor input, int warmup, int reps)
    {
        for (var i = 0; i < warmup; i++)
        {
            forward(input).Dispose();
        }

        var times = new List<double>(reps);
        for (var i = 0; i < reps; i++)
        {
            var clock = Stopwatch.StartNew();
            forward(input).Dispose();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times;
    }

    /// <summary>The median milliseconds of <paramref name="reps"/> calls of <paramref name="step"/> after <paramref name="warmup"/>, each result freed.</summary>
    public static double MedianOfCalls(Func<Tensor> step, int warmup = 3, int reps = 21)
    {
        var times = Time(_ => step(), empty(0), warmup, reps);
        return times[times.Count / 2];
    }

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count).</summary>
    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
