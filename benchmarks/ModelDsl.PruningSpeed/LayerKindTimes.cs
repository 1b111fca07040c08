using System.Diagnostics;
using static TorchSharp.torch;

namespace ModelDsl.Benchmarks.PruningSpeed;

/// <summary>
/// Where a forward's time goes, by module type: each leaf module timed between forward pre- and post-hooks (libtorch's
/// CPU ops are synchronous, so the wall time between them is the op's). Residual adds run in the block's own forward
/// and are the difference between the forward and the sum. The hooks cost a little per call; the figures say where
/// the time goes, the interleaved rounds say how long a forward takes.
/// </summary>
internal static class LayerKindTimes
{
    public static (double ForwardMs, Dictionary<string, double> ByKind) Measure(nn.Module<Tensor, Tensor> model, Tensor input, int warmup, int reps)
    {
        var byKind = new Dictionary<string, double>(StringComparer.Ordinal);
        var started = new Dictionary<nn.Module, long>();
        var removers = new List<Action>();
        foreach (var (_, module) in model.named_modules())
        {
            if (module.named_children().Any() || module is not nn.Module<Tensor, Tensor> leaf)
            {
                continue;
            }

            var kind = module.GetType().Name;
            var before = leaf.register_forward_pre_hook((m, x) =>
            {
                started[m] = Stopwatch.GetTimestamp();
                return null!;
            });
            var after = leaf.register_forward_hook((m, x, y) =>
            {
                byKind[kind] = byKind.GetValueOrDefault(kind) + Stopwatch.GetElapsedTime(started[m]).TotalMilliseconds;
                return null!;
            });
            removers.Add(() =>
            {
                before.remove();
                after.remove();
            });
        }

        try
        {
            for (var i = 0; i < warmup; i++)
            {
                using var scope = NewDisposeScope();
                model.call(input);
            }

            byKind.Clear();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < reps; i++)
            {
                using var scope = NewDisposeScope();
                model.call(input);
            }

            return (watch.Elapsed.TotalMilliseconds / reps, byKind.ToDictionary(k => k.Key, k => k.Value / reps));
        }
        finally
        {
            removers.ForEach(remove => remove());
        }
    }
}
