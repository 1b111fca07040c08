using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Tests.IO;

/// <summary>
/// Every malformed file is rejected before any tensor exists, with a message naming the file and the problem, and a
/// module it was to be loaded into keeps its weights. (The old runtime's hostile-file cases, against the validating
/// reader that stands in front of PyBridge; PyBridgeAloneTests shows what PyBridge does with them on its own.)
/// </summary>
public sealed class SafeTensorsMalformedFileTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    private const string F32x2 = """{"dtype":"F32","shape":[2],"data_offsets":""";

    public static TheoryData<string, string, int, string[]> BadHeaders => new()
    {
        { "unknown dtype", """{"w":{"dtype":"C64","shape":[2],"data_offsets":[0,16]}}""", 16, ["tensor 'w'", "\"C64\""] },
        { "negative size", """{"w":{"dtype":"F32","shape":[-1,2],"data_offsets":[0,8]}}""", 8, ["tensor 'w'", "negative", "[-1, 2]"] },
        { "fractional size", """{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", 4, ["tensor 'w'", "\"shape\"", "[1.5]"] },
        { "missing shape", """{"w":{"dtype":"F32","data_offsets":[0,4]}}""", 4, ["tensor 'w'", "\"shape\""] },
        { "size mismatch", """{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}""", 12, ["tensor 'w'", "[0, 12]", "takes 16 bytes"] },
        { "reversed offsets", """{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}""", 8, ["tensor 'w'", "[8, 0]"] },
        { "three offsets", """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}""", 8, ["tensor 'w'", "[0, 4, 8]"] },
        { "out of bounds", """{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8, ["tensor 'w'", "[0, 16]", "past the end", "8 bytes"] },
        { "overflowing shape", """{"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}""", 8, ["tensor 'w'", "too large"] },
        { "overlap", $$$"""{"a":{{{F32x2}}}[0,8]},"b":{{{F32x2}}}[4,12]}}""", 12, ["tensor 'b'", "[4, 12]", "overlapping tensor 'a' at [0, 8]"] },
        { "gap between", $$$"""{"a":{{{F32x2}}}[0,8]},"b":{{{F32x2}}}[12,20]}}""", 20, ["tensor 'b'", "[12, 20]", "gap of 4 bytes", "'a' at byte 8"] },
        { "gap at start", $$$"""{"a":{{{F32x2}}}[4,12]}}""", 12, ["tensor 'a'", "[4, 12]", "gap of 4 bytes", "start of the data"] },
        { "trailing bytes", $$$"""{"a":{{{F32x2}}}[0,8]}}""", 12, ["cover 8 bytes", "holds 12", "4 bytes belong to no tensor"] },
        { "duplicate name", $$$"""{"a":{{{F32x2}}}[0,8]},"a":{{{F32x2}}}[0,8]}}""", 8, ["'a' appears twice"] },
        { "invalid JSON", """{"a":{"dtype":""", 0, ["not valid JSON"] },
        { "JSON not an object", "[1, 2]", 0, ["header is a JSON Array"] },
        { "entry not an object", """{"w":[0,4]}""", 0, ["tensor 'w'", "not an object"] },
        { "metadata not strings", """{"__metadata__":{"epoch":3}}""", 0, ["__metadata__", "'epoch'", "not a string"] },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void Bad_header_is_rejected_naming_the_entry(string problem, string header, int dataBytes, string[] expectedInMessage)
    {
        var path = directory.File(problem.Replace(' ', '-') + ".safetensors");
        File.WriteAllBytes(path, SafeTensorsFiles.Raw(header, new byte[dataBytes]));
        AssertRejected(path, expectedInMessage);
    }

    [Fact]
    public void File_shorter_than_the_length_prefix_is_rejected()
    {
        var path = directory.File("short.safetensors");
        File.WriteAllBytes(path, [8, 0, 0]);
        AssertRejected(path, ["3 bytes", "fewer than the 8-byte header length"]);
    }

    [Fact]
    public void Header_length_past_the_end_of_the_file_is_rejected()
    {
        var path = directory.File("truncated.safetensors");
        File.WriteAllBytes(path, SafeTensorsFiles.WithLength(1000, "{}"));
        AssertRejected(path, ["header length 1000", "past the end of the file (10 bytes)"]);
    }

    [Fact]
    public void Absurd_header_length_is_rejected_before_reading_it()
    {
        var path = directory.File("absurd.safetensors");
        File.WriteAllBytes(path, SafeTensorsFiles.WithLength(ulong.MaxValue, "{}"));
        AssertRejected(path, [$"header length {ulong.MaxValue}", "exceeds the 100000000-byte limit"]);
    }

    [Fact]
    public void Header_length_that_makes_PyBridge_allocate_two_gigabytes_is_rejected_first()
    {
        // PyBridge alone allocates a byte[] of the declared length (here 2 GB) before reading it: OutOfMemoryException.
        var path = directory.File("huge.safetensors");
        File.WriteAllBytes(path, SafeTensorsFiles.WithLength(int.MaxValue - 100, "{}"));
        AssertRejected(path, [$"header length {int.MaxValue - 100}", "exceeds the 100000000-byte limit"]);
    }

    [Fact]
    public void Header_that_is_not_UTF8_is_rejected()
    {
        var path = directory.File("latin1.safetensors");
        var bytes = SafeTensorsFiles.Raw("""{"__metadata__":{"k":"v?"}}""", []);
        bytes[Array.LastIndexOf(bytes, (byte)'?')] = 0xE9; // 'é' in Latin-1, an invalid byte on its own in UTF-8
        File.WriteAllBytes(path, bytes);
        AssertRejected(path, ["not valid UTF-8"]);
    }

    private static void AssertRejected(string path, string[] expectedInMessage)
    {
        using (var scope = NewDisposeScope())
        {
            var error = Assert.Throws<InvalidDataException>(() => Weights.ReadSafeTensors(path));
            Assert.Equal(0, scope.DisposablesCount); // validated before any tensor was created

            Assert.StartsWith(path + ": not a valid safetensors file: ", error.Message);
            foreach (var expected in expectedInMessage)
            {
                Assert.Contains(expected, error.Message);
            }
        }

        using var module = nn.Linear(2, 2);
        var before = module.state_dict().ToDictionary(e => e.Key, e => e.Value.clone());
        Assert.Throws<InvalidDataException>(() => module.LoadSafeTensors(path));
        foreach (var (key, value) in module.state_dict())
        {
            Assert.True(value.allclose(before[key], 0, 0), $"{key} changed");
        }
    }
}
