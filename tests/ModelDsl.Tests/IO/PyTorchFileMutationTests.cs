using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelDsl.Tests.IO;

/// <summary>
/// Damaged <c>.pt</c> files (600 seeded truncations and byte replacements of a file PyBridge wrote): each load either
/// succeeds or throws <see cref="InvalidDataException"/> / <see cref="StateDictMismatchException"/>, allocates no more
/// than a few megabytes on the way (PyBridge alone allocated up to 2.2 GB for a 1 KB file with a damaged length), and a
/// failed load leaves the target's weights as they were. (A .pt file's tensor bytes carry no checksum this path
/// verifies, so a flipped data byte can load; safetensors has the same property.)
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
        torch.manual_seed(20261201);
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
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
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
                var reason = e.Message.Split(": ").Length > 2 ? string.Join(": ", e.Message.Split(": ").Skip(2)) : e.Message;
                reason = reason.Length > 60 ? reason[..60] : reason;
                outcomes[reason] = outcomes.GetValueOrDefault(reason) + 1;
                foreach (var (key, value) in target.state_dict())
                {
                    Assert.True(value.allclose(before[key], 0, 0), $"{damaged}: {key} changed by a failed load");
                }
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Assert.True(allocated < 16 << 20, $"{damaged}: loading allocated {allocated / 1e6:F0} MB");
            File.Delete(damaged);
        }
        output.WriteLine(string.Join(", ", outcomes.OrderBy(e => e.Key).Select(e => $"{e.Key} {e.Value}")));
        Assert.True(outcomes.Where(e => e.Key != "loaded").Sum(e => e.Value) > 300, "most damage should be detected");
    }

    [Fact]
    public void A_pickle_string_longer_than_the_file_is_rejected_before_anything_is_allocated()
    {
        // PROTO 2, BINUNICODE declaring 2,147,483,647 bytes, then 3 bytes: PyBridge's unpickler would allocate 2 GB first.
        byte[] pickle = [0x80, 0x02, (byte)'X', 0xff, 0xff, 0xff, 0x7f, (byte)'a', (byte)'b', (byte)'.'];
        var path = directory.File("long-string.pt");
        using (var zip = new System.IO.Compression.ZipArchive(File.Create(path), System.IO.Compression.ZipArchiveMode.Create))
        {
            foreach (var (name, content) in new[] { ("archive/data.pkl", pickle), ("archive/version", "3\n"u8.ToArray()) })
            {
                using var entry = zip.CreateEntry(name, System.IO.Compression.CompressionLevel.NoCompression).Open();
                entry.Write(content);
            }
        }
        using var target = Make();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => target.LoadPyTorch(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < 16 << 20);
        Assert.True(error.Message.Contains("opcode 0x58 at byte 2 needs 2147483651 more bytes (its argument and any length prefix), but only 7 remain"), error.Message);
    }
}
