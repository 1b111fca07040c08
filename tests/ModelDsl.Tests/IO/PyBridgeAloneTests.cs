using TorchSharp.PyBridge;

namespace ModelDsl.Tests.IO;

/// <summary>
/// Why a validating reader stays in front of PyBridge 1.4.4: on its own, its safetensors reader loads files the
/// format forbids, so the same bytes could mean different tensors to different readers. If a PyBridge upgrade makes
/// one of these fail, re-run the hostile-file suite against it and consider dropping the reader (docs/torchsharp-io.md).
/// </summary>
public sealed class PyBridgeAloneTests : IDisposable
{
    private const string F32x2 = """{"dtype":"F32","shape":[2],"data_offsets":""";
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    public static TheoryData<string, string, int> Misloaded => new()
    {
        // Two tensors sharing bytes 4..8.
        { "overlap", $$$"""{"a":{{{F32x2}}}[0,8]},"b":{{{F32x2}}}[4,12]}}""", 12 },
        // Four bytes that belong to no tensor.
        { "gap", $$$"""{"a":{{{F32x2}}}[0,8]},"b":{{{F32x2}}}[12,20]}}""", 20 },
        { "trailing bytes", $$$"""{"a":{{{F32x2}}}[0,8]}}""", 12 },
        // One name, two entries: System.Text.Json keeps the last.
        { "duplicate name", $$$"""{"a":{{{F32x2}}}[0,8]},"a":{{{F32x2}}}[0,8]}}""", 8 },
    };

    [Theory]
    [MemberData(nameof(Misloaded))]
    public void PyBridge_loads_what_the_format_forbids_and_our_reader_rejects_it(string problem, string header, int dataBytes)
    {
        var path = directory.File(problem.Replace(' ', '-') + ".safetensors");
        File.WriteAllBytes(path, SafeTensorsFiles.Raw(header, new byte[dataBytes]));

        var loaded = Safetensors.LoadStateDict(path);
        Assert.NotEmpty(loaded);
        foreach (var t in loaded.Values)
        {
            t.Dispose();
        }

        Assert.Throws<InvalidDataException>(() => Weights.ReadSafeTensors(path));
    }

    [Fact]
    public void PyBridge_SaveStateDict_over_a_longer_file_leaves_its_tail_behind_and_Weights_does_not()
    {
        var path = directory.File("over.safetensors");
        using var module = global::TorchSharp.torch.nn.Linear(4, 3);

        File.WriteAllBytes(path, new byte[1 << 16]);
        Safetensors.SaveStateDict(path, module.state_dict()); // File.OpenWrite: no truncation
        Assert.Equal(1 << 16, new FileInfo(path).Length);
        var error = Assert.Throws<InvalidDataException>(() => Weights.ReadSafeTensors(path));
        Assert.Contains("belong to no tensor", error.Message);

        File.WriteAllBytes(path, new byte[1 << 16]);
        module.SaveSafeTensors(path);
        Assert.True(new FileInfo(path).Length < 1 << 16);
        Assert.Equal(2, Weights.ReadSafeTensors(path).Count);
    }
}
