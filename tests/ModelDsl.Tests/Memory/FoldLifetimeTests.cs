using ModelDsl.Tests.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl.Tests.Memory;

/// <summary>
/// A fold whose weights change is folded again at its next eval forward; the stale fold (its folded weight and bias and
/// its prepacked weight, 2.4 MB each for this pair) is freed then, or by the last forward still using it, not left to
/// the finalizers: in a fine-tuning loop with eval forwards between steps the .NET heap hardly grows, so no collection
/// would ever free them (a ResNet-18 grew by 88 MB a step). Runs alone: it counts the process's live folds.
/// </summary>
[Collection(nameof(MemoryCollection))]
public sealed class FoldLifetimeTests
{
    [Fact]
    public void AStaleFoldIsFreedWhenItIsFoldedAgain()
    {
        using var scope = NewDisposeScope();
        var (pair, conv) = Pair();
        using var _ = pair;
        var x = ChannelsLast.Contiguous(randn([2, 256, 8, 8], generator: new Generator(1)));
        using var noGrad = no_grad();
        var before = BatchNormFolding.LiveFolds;
        using (BatchNormFolding.Fold(pair))
        {
            for (var step = 0; step < 10; step++)
            {
                // What an optimizer step does to the weight: an in-place write, which the next forward refolds from.
                conv.weight!.mul_(1.01);
                Forward.Call(pair, x);
                Assert.Equal(before + 1, BatchNormFolding.LiveFolds);
            }

            Assert.True(BatchNormFolding.IsPacked(conv), "the test did not reach the packed path");
        }

        Assert.Equal(before, BatchNormFolding.LiveFolds);
    }

    [Fact]
    public void ForwardsOnFourThreadsWhileTheWeightsChangeFreeEveryStaleFoldOnce()
    {
        using var scope = NewDisposeScope();
        var (pair, conv) = Pair();
        using var _ = pair;
        var x = ChannelsLast.Contiguous(randn([2, 256, 8, 8], generator: new Generator(2)));
        var before = BatchNormFolding.LiveFolds;
        using var fold = BatchNormFolding.Fold(pair);
        var errors = new List<Exception>();
        using var stop = new CancellationTokenSource();
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            using var noGrad = no_grad();
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    using var step = NewDisposeScope();
                    // Every output is the pair's: finite and of its shape, whichever fold computed it.
                    var y = Forward.Call(pair, x);
                    if (!y.isfinite().all().item<bool>() || y.shape[1] != 256)
                    {
                        throw new InvalidOperationException("a forward computed with a freed fold");
                    }
                }
            }
            catch (Exception error)
            {
                lock (errors)
                {
                    errors.Add(error);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        using (no_grad())
        {
            for (var step = 0; step < 50; step++)
            {
                conv.weight!.mul_(1.001);
                Thread.Sleep(2);
            }
        }

        stop.Cancel();
        threads.ForEach(t => t.Join());
        Assert.Empty(errors);
        using (no_grad())
        {
            Forward.Call(pair, x);
        }

        Assert.Equal(before + 1, BatchNormFolding.LiveFolds);
    }

    // A 256 → 256 3×3 convolution and its norm, channels-last, in eval mode: a call of batch 2 at 8×8 does 75 M
    // multiply-adds, so its weight is prepacked.
    private static (Sequential Pair, Conv2d Conv) Pair() => PackedConvolutionTests.Pair(256, 256, 3, 1, 1, 1, 1);
}
