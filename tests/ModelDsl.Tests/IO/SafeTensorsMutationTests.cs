using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelDsl.Tests.IO;

/// <summary>
/// 2,400 seeded mutations of valid safetensors files (truncations, byte flips in the header and the data, digits
/// changed or inserted in the header's numbers, rewritten length prefixes, appended bytes). Every one must either be
/// rejected with <see cref="InvalidDataException"/> — nothing else, no crash, no hang — or load; and every file we
/// load, the independent Python reader (safetensors_io.py) loads to the same tensors, byte for byte.
/// </summary>
public sealed class SafeTensorsMutationTests(ITestOutputHelper output) : IDisposable
{
    private const int Seed = 20261201;
    private const int Mutations = 2_400;
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Every_mutated_file_is_rejected_cleanly_or_loads_exactly_what_python_reads()
    {
        var seeds = SeedFiles();
        var random = new Random(Seed);
        var accepted = new List<string>();
        var ours = new Dictionary<string, Dictionary<string, string>>();
        var rejectedBy = new Dictionary<string, int>();
        for (var i = 0; i < Mutations; i++)
        {
            var (kind, bytes) = Mutate(seeds[random.Next(seeds.Count)], random);
            var path = directory.File($"m{i:D4}.safetensors");
            File.WriteAllBytes(path, bytes);
            using var scope = NewDisposeScope();
            try
            {
                var tensors = Weights.ReadSafeTensors(path);
                accepted.Add(path);
                ours[path] = tensors.ToDictionary(e => e.Key, e => Describe(e.Value));
            }
            catch (InvalidDataException)
            {
                rejectedBy[kind] = rejectedBy.GetValueOrDefault(kind) + 1;
                Assert.Equal(0, scope.DisposablesCount);
                File.Delete(path);
            }
        }
        output.WriteLine($"{Mutations} mutations: {accepted.Count} loaded, rejected by kind: {string.Join(", ", rejectedBy.OrderBy(e => e.Key).Select(e => $"{e.Key} {e.Value}"))}");
        Assert.True(Mutations - accepted.Count > Mutations / 2, "most mutations should break the file");

        // Cross-check everything we accepted with Python, in one process.
        var list = directory.File("accepted.txt");
        File.WriteAllLines(list, accepted);
        var report = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Parity.Python.Run("safetensors_hashes.py", list))!;
        foreach (var path in accepted)
        {
            var python = report[path];
            Assert.True(python.ValueKind == JsonValueKind.Object, $"{path}: we loaded it, Python rejects it: {python}");
            var theirs = python.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            Assert.Equal(theirs.OrderBy(e => e.Key, StringComparer.Ordinal), ours[path].OrderBy(e => e.Key, StringComparer.Ordinal));
        }
    }

    // "F32 [2, 3] <sha256 of the bytes>", the same text safetensors_hashes.py prints.
    private static string Describe(Tensor t)
    {
        var code = t.dtype switch
        {
            ScalarType.Float32 => "F32", ScalarType.Float64 => "F64", ScalarType.Float16 => "F16", ScalarType.BFloat16 => "BF16",
            ScalarType.Int64 => "I64", ScalarType.Int32 => "I32", ScalarType.Int16 => "I16", ScalarType.Int8 => "I8",
            ScalarType.Byte => "U8", ScalarType.Bool => "BOOL", _ => t.dtype.ToString(),
        };
        using var contiguous = t.contiguous();
        var hash = Convert.ToHexString(SHA256.HashData(t.numel() == 0 ? [] : contiguous.bytes.ToArray())).ToLowerInvariant();
        return $"{code} {LayerBase.FormatShape(t.shape)} {hash}";
    }

    private List<byte[]> SeedFiles()
    {
        var files = new List<byte[]>();
        // A module saved by us (PyBridge's writer behind Weights.SaveSafeTensors).
        torch.manual_seed(Seed);
        using (var module = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)))
        {
            var path = directory.File("seed-ours.safetensors");
            module.SaveSafeTensors(path);
            files.Add(File.ReadAllBytes(path));
        }
        // Hand-built: several dtypes, a scalar, an empty tensor, metadata.
        var data = new byte[8 * 2 + 4 * 3 + 2 * 2 + 1 * 4];
        new Random(Seed).NextBytes(data);
        files.Add(SafeTensorsFiles.Raw(
            """{"__metadata__":{"format":"pt"},"i64":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"f32":{"dtype":"F32","shape":[3],"data_offsets":[16,28]},"f16":{"dtype":"F16","shape":[1,2],"data_offsets":[28,32]},"u8":{"dtype":"U8","shape":[2,2],"data_offsets":[32,36]},"empty":{"dtype":"F32","shape":[0,5],"data_offsets":[36,36]}}""",
            data));
        return files;
    }

    private static (string Kind, byte[] Bytes) Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        var headerEnd = 8 + (int)BitConverter.ToUInt64(bytes, 0);
        switch (random.Next(7))
        {
            case 0: // truncated anywhere
                return ("truncation", bytes[..random.Next(bytes.Length)]);
            case 1: // one header byte replaced
                bytes[8 + random.Next(headerEnd - 8)] = (byte)random.Next(256);
                return ("header byte", bytes);
            case 2: // a digit of the header changed, or digits inserted (offsets and sizes out of range, overflowing shapes)
            {
                var text = Encoding.UTF8.GetString(bytes, 8, headerEnd - 8);
                var digits = Enumerable.Range(0, text.Length).Where(i => char.IsAsciiDigit(text[i])).ToList();
                var at = digits[random.Next(digits.Count)];
                var replacement = random.Next(3) == 0 ? new string('9', random.Next(1, 25)) : ((char)('0' + random.Next(10))).ToString();
                var mutated = text[..at] + replacement + text[(at + 1)..];
                var json = Encoding.UTF8.GetBytes(mutated);
                var result = new byte[8 + json.Length + (bytes.Length - headerEnd)];
                BitConverter.TryWriteBytes(result.AsSpan(0, 8), (ulong)json.Length);
                json.CopyTo(result, 8);
                bytes.AsSpan(headerEnd).CopyTo(result.AsSpan(8 + json.Length));
                return ("header number", result);
            }
            case 3: // the length prefix rewritten: near the truth, or anything
            {
                var length = random.Next(2) == 0 ? (ulong)Math.Max(0, headerEnd - 8 + random.Next(-16, 17)) : (ulong)random.NextInt64() * (ulong)random.Next(1, 4);
                BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), length);
                return ("length prefix", bytes);
            }
            case 4: // bytes appended
            {
                var extra = new byte[random.Next(1, 64)];
                random.NextBytes(extra);
                return ("appended", [.. bytes, .. extra]);
            }
            case 5: // header bytes deleted (the prefix no longer matches)
            {
                var at = 8 + random.Next(headerEnd - 8);
                var count = Math.Min(random.Next(1, 8), bytes.Length - at);
                return ("header cut", [.. bytes[..at], .. bytes[(at + count)..]]);
            }
            default: // a data byte flipped: still a valid file, which must load with the flipped byte
                if (bytes.Length > headerEnd)
                {
                    bytes[headerEnd + random.Next(bytes.Length - headerEnd)] ^= (byte)(1 << random.Next(8));
                }
                return ("data byte", bytes);
        }
    }
}
