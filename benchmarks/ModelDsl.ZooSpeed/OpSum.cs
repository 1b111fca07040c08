using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Benchmarks.ZooSpeed;

/// <summary>
/// Every operation of a folded, channels-last ResNet-18 forward at <c>batch</c>, each timed alone on its own input, again
/// and again, so its weights and activations stay in cache: the stem, each stage's 3x3 and 1x1 convolutions, the ReLUs
/// and residual adds in place, the pools and the classifier. Their sum is what a forward of those kernels costs with no
/// framework around them and no cache misses between layers, a floor for any fp32 ResNet-18 built on them.
/// </summary>
internal static class OpSum
{
    public static void Run(int batch)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        manual_seed(0);
        var rows = new List<(string Op, double Ms, int Count)>();
        void Add(string op, Func<Tensor> run, int count) => rows.Add((op, ModelDsl.Benchmarks.Shared.Forwards.MedianOfCalls(run), count));
        Tensor Random(params long[] shape) => ChannelsLast.Contiguous(randn(shape));

        var image = Random(batch, 3, 224, 224);
        var stemWeight = Random(64, 3, 7, 7);
        var stemBias = randn(64);
        Add("stem conv 7x7/2", () => nn.functional.conv2d(image, stemWeight, stemBias, strides: [2, 2], padding: [3, 3]), 1);
        var stem = Random(batch, 64, 112, 112);
        Add("stem relu_", () => stem.relu_().alias(), 1);
        Add("max pool 3x3/2", () => nn.functional.max_pool2d(stem, 3, 2, 1), 1);
        foreach (var (channels, size) in new[] { (64, 56), (128, 28), (256, 14), (512, 7) })
        {
            var x = Random(batch, channels, size, size);
            var shortcut = Random(batch, channels, size, size);
            var weight = ChannelsLast.Contiguous(randn(channels, channels, 3, 3).mul(0.03));
            var bias = randn(channels);
            var first = channels == 64;

            // Stage 1 has four 3x3 stride-1 convolutions; the others three, after a 3x3 stride-2 one and a 1x1 projection.
            Add($"conv 3x3/1 {channels}", () => nn.functional.conv2d(x, weight, bias, padding: [1, 1]), first ? 4 : 3);
            if (!first)
            {
                var input = Random(batch, channels / 2, size * 2, size * 2);
                var down = ChannelsLast.Contiguous(randn(channels, channels / 2, 3, 3).mul(0.03));
                var projection = ChannelsLast.Contiguous(randn(channels, channels / 2, 1, 1));
                Add($"conv 3x3/2 {channels}", () => nn.functional.conv2d(input, down, bias, strides: [2, 2], padding: [1, 1]), 1);
                Add($"conv 1x1/2 {channels}", () => nn.functional.conv2d(input, projection, bias, strides: [2, 2]), 1);
            }

            Add($"relu_ {channels}", () => x.relu_().alias(), 4);
            Add($"residual add_ {channels}", () => x.add_(shortcut).alias(), 2);
        }

        var last = Random(batch, 512, 7, 7);
        Add("average pool", () => nn.functional.adaptive_avg_pool2d(last, [1, 1]), 1);
        var features = randn(batch, 512);
        var fcWeight = randn(1000, 512);
        var fcBias = randn(1000);
        Add("classifier", () => nn.functional.linear(features, fcWeight, fcBias), 1);

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            side = "ops",
            model = "resnet18",
            layout = "channels_last",
            batch,
            macs_per_image = ModelDsl.Zoo.ResNets.ResNet18.TotalMacs,
            threads = get_num_threads(),
            // The sum, under the name zoo_speed.sh reads every side's time from.
            median_ms = rows.Sum(r => r.Ms * r.Count),
            ops = rows.Select(r => new { op = r.Op, ms = Math.Round(r.Ms, 3), count = r.Count }),
        }));
    }
}
