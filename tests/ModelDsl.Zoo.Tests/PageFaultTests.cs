using ModelDsl.Zoo.MobileNets;
using static TorchSharp.torch;

namespace ModelDsl.Zoo.Tests;

[CollectionDefinition(nameof(PageFaultCollection), DisableParallelization = true)]
public sealed class PageFaultCollection;

/// <summary>
/// ModelDsl's malloc tuning (MallocTuning: no block mmapped, thresholds raised) as a forward sees it: MobileNetV2 at
/// batch 8, 224², whose first block's expanded activations [8, 96, 112, 112] take 38.5 MB, above glibc's largest mmap
/// threshold (32 MiB). Mmapped, such a block is unmapped when freed and faults its 9,408 pages in again at the next
/// forward; recycled from the heap, it faults nothing. (A collection of its own, so no other test allocates meanwhile.)
/// </summary>
[Collection(nameof(PageFaultCollection))]
public class PageFaultTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void AMobileNetV2ForwardRecyclesItsLargestActivationsInsteadOfFaultingThemIn()
    {
        Assert.True(MallocTuning.Applied, "the malloc tuning was not applied in this process");
        using var model = new MobileNetV2();
        model.eval();
        using var noGrad = no_grad();
        using var x = ChannelsLast.Contiguous(randn(8, 3, 224, 224));
        for (var i = 0; i < 3; i++)
        {
            model.call(x).Dispose();
        }

        const int forwards = 4;
        var before = MinorFaults();
        for (var i = 0; i < forwards; i++)
        {
            model.call(x).Dispose();
        }

        // By hand: one [8, 96, 112, 112] float32 block is 38,535,168 bytes, 9,408 pages of 4 KiB.
        var perForward = (MinorFaults() - before) / forwards;
        output.WriteLine($"{perForward:N0} minor page faults per forward");
        Assert.True(perForward < 9_408, $"{perForward:N0} minor page faults per forward: at least one 38.5 MB activation is faulted in again every time");
    }

    // The process's minor page faults so far: field 10 of /proc/self/stat (after the parenthesised command name).
    private static long MinorFaults()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);
    }
}
