using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelDsl.Tests.IO;

/// <summary>
/// Damaged <c>.pt</c> files (600 seeded truncations and byte replacements of a file PyBridge wrote): each load either
/// succeeds or throws <see cref="InvalidDataException"/> / <see cref="StateDictMismatchException"/>, and a failed load
/// leaves the target's weights as they were. (A .pt file's tensor bytes carry no checksum this path verifies, so a
/// flipped data byte can load; safetensors has the same property.)
/// </summary>
public sealed class PyTorchFileMutationTests(ITestOutputHelper output) : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    private static Sequential Make() => nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2));

    [Fact]
    public void Every_damaged_file_loads_or_is_rejected_leaving_the_weights_alone()
    {
        var path = directory.File("model.pt");
        using (var source = Make())
        {
            source.SavePyTorch(path);
        }
        var original = File.ReadAllBytes(path);
        var random = new Random(20261201);
        var outcomes = new Dictionary<string, int>();
        using var target = Make();
        var before = target.state_dict().ToDictionary(e => e.Key, e => e.Value.clone());
        for (var i = 0; i < 600; i++)
        {
            var bytes = (byte[])original.Clone();
            if (i % 2 == 0)
            {
                bytes = bytes[..random.Next(bytes.Length)];
            }
            else
            {
                for (var k = random.Next(1, 4); k > 0; k--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }
            }
            var damaged = directory.File($"d{i:D3}.pt");
            File.WriteAllBytes(damaged, bytes);
            try
            {
                target.LoadPyTorch(damaged);
                outcomes["loaded"] = outcomes.GetValueOrDefault("loaded") + 1;
                foreach (var (key, value) in target.state_dict())
                {
                    using (no_grad())
                    {
                        value.copy_(before[key]); // back to the reference weights for the next round
                    }
                }
            }
            catch (Exception e) when (e is InvalidDataException or StateDictMismatchException)
            {
                outcomes[e.GetType().Name] = outcomes.GetValueOrDefault(e.GetType().Name) + 1;
                foreach (var (key, value) in target.state_dict())
                {
                    Assert.True(value.allclose(before[key], 0, 0), $"{damaged}: {key} changed by a failed load");
                }
            }
            File.Delete(damaged);
        }
        output.WriteLine(string.Join(", ", outcomes.OrderBy(e => e.Key).Select(e => $"{e.Key} {e.Value}")));
        Assert.True(outcomes.GetValueOrDefault(nameof(InvalidDataException)) > 300);
    }
}
