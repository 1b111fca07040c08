using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Benchmarks.ZooSpeed;

/// <summary>
/// One convolution at a time, eager against prepacked: what a folded convolution gains when its weight is reordered
/// once into oneDNN's blocked layout (the embedded PackedConvKernels module ModelDsl convolves with, loaded here from
/// ModelDsl.dll's resource) and what the TorchScript call costs, which sets ModelDsl's threshold (2 M multiply-adds a
/// call). ResNet-18's 3×3 stride-1 shapes at the given batch, then small calls at batch 1; each hot in cache, median of
/// 21 calls (501 for the small ones), channels-last, eager first and then packed, twice.
/// </summary>
internal static class Prepack
{
    public static void Run(int batch)
    {
        using var noGrad = no_grad();
        using var kernels = Load();
        var cases = new[] { (64, 56), (128, 28), (256, 14), (512, 7) }.Select(c => (batch, c.Item1, c.Item2, 3))
            .Concat(new[] { (1, 16, 8, 3), (1, 32, 8, 3), (1, 64, 4, 3), (1, 32, 16, 3), (1, 64, 8, 3), (8, 32, 8, 3), (1, 256, 4, 1) });
        foreach (var (n, channels, size, kernel) in cases)
        {
            using var scope = NewDisposeScope();
            manual_seed(0);
            var x = ChannelsLast.Contiguous(randn(n, channels, size, size));
            var w = ChannelsLast.Contiguous(randn(channels, channels, kernel, kernel).mul(Math.Sqrt(2.0 / (kernel * kernel * channels))));
            var bias = randn(channels);
            long padding = kernel / 2;
            var packed = (Tensor)kernels.invoke("pack", w, 1L, 1L, padding, padding, 1L, 1L, 1L, (long)n, (long)channels, (long)size, (long)size);
            Tensor Eager() => nn.functional.conv2d(x, w, bias, padding: [padding, padding]);
            Tensor Packed() => (Tensor)kernels.invoke("conv", x, packed, bias, 1L, 1L, padding, padding, 1L, 1L, 1L);
            var difference = (Eager() - Packed()).abs().max().item<float>();
            var reps = size * size * n >= 8 * 7 * 7 ? 21 : 501;
            var eager = new List<double>();
            var prepacked = new List<double>();
            for (var round = 0; round < 2; round++)
            {
                eager.Add(Shared.Forwards.MedianOfCalls(Eager, reps: reps));
                prepacked.Add(Shared.Forwards.MedianOfCalls(Packed, reps: reps));
            }

            Console.WriteLine(JsonSerializer.Serialize(new
            {
                side = "prepack",
                batch = n,
                channels,
                size,
                kernel,
                multiply_adds = (long)n * size * size * channels * channels * kernel * kernel,
                eager_us = eager.Min() * 1000,
                prepacked_us = prepacked.Min() * 1000,
                ratio = prepacked.Min() / eager.Min(),
                max_difference = difference,
            }));
        }
    }

    // The module ModelDsl embeds (its methods: pack, conv), from the assembly's resource.
    private static jit.ScriptModule Load()
    {
        using var stream = typeof(BatchNormFolding).Assembly.GetManifestResourceStream("ModelDsl.PackedConvKernels.pt")
            ?? throw new InvalidOperationException("ModelDsl.dll has no PackedConvKernels.pt");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return jit.load(copy.ToArray());
    }
}
