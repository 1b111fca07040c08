using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ModelDsl.Tests.Parity;

namespace ModelDsl.Tests.IO;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Python_file_loads_with_identical_bits_and_metadata()
    {
        var path = directory.File("python.safetensors");
        var expectedPath = directory.File("python.expected.json");
        Python.Run("safetensors_write_fixture.py", path, expectedPath);
        using var expected = JsonDocument.Parse(File.ReadAllBytes(expectedPath));
        var expectedTensors = expected.RootElement.GetProperty("tensors");

        using var scope = Torch.NewDisposeScope();
        var loaded = SafeTensors.Load(path);

        var expectedNames = expectedTensors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expectedNames, loaded.Keys.ToArray()); // all of them, in ordinal name order
        foreach (var property in expectedTensors.EnumerateObject())
        {
            var tensor = loaded[property.Name];
            var want = property.Value;
            Assert.Equal(want.GetProperty("dtype").GetString(), Code(tensor.DType));
            Assert.Equal(want.GetProperty("shape").EnumerateArray().Select(s => s.GetInt64()).ToArray(), tensor.Shape);
            Assert.Equal(want.GetProperty("bits").EnumerateArray().Select(b => b.GetInt64()).ToArray(), Bits(tensor));
        }
        Assert.Equal(0, loaded["scalar"].Dim);
        Assert.Equal(0, loaded["empty"].NumEl);

        var metadata = SafeTensors.LoadMetadata(path);
        var expectedMetadata = expected.RootElement.GetProperty("metadata").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal(expectedMetadata, metadata);
        Assert.Equal("ünïcödé ✓ \"quoted\"", metadata["note"]);
    }

    [Fact]
    public void CSharp_file_loads_in_python_and_matches_the_reference_layout_byte_for_byte()
    {
        using var scope = Torch.NewDisposeScope();
        // The Python check builds the same values itself (safetensors_check_written.py); keep the two in step.
        var tensors = new Dictionary<string, Tensor>
        {
            ["a.f64"] = Tensor.From(new[] { 0.5, -1.25, 3.0, 1e300, -0.0, double.Epsilon }, 2, 3),
            ["b.f32.transposed"] = Tensor.Arange(0, 12, dtype: DType.Float32).Reshape(3, 4).T,
            ["c.f16"] = Tensor.From(new[] { (Half)1, (Half)(-2), (Half)0.5, Half.MaxValue }),
            // 1, -2, +inf and the smallest subnormal, written as raw bfloat16 bits.
            ["d.bf16"] = Tensor.FromBytes(LittleEndian<ushort>(0x3F80, 0xC000, 0x7F80, 0x0001), DType.BFloat16, 2, 2),
            ["e.i64"] = Tensor.From(new[] { long.MinValue, -1, 0, long.MaxValue }),
            ["f.i32"] = Tensor.Arange(-3, 3, dtype: DType.Int32),
            ["g.i16"] = Tensor.From(new short[] { -32768, 7, 32767 }),
            ["h.i8"] = Tensor.From(new sbyte[] { -128, 0, 127 }, 3, 1),
            ["i.u8"] = Tensor.From(new byte[] { 0, 128, 255 }),
            ["j.bool"] = Tensor.From(new[] { true, false, false, true }, 2, 2),
            ["k.scalar"] = Tensor.Scalar(3.5),
            ["l.empty"] = Tensor.Zeros([0, 4]),
        };
        Assert.False(tensors["b.f32.transposed"].IsContiguous());
        var path = directory.File("csharp.safetensors");

        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["written_by"] = "ModelDsl", ["format"] = "pt" });

        var output = Python.Run("safetensors_check_written.py", path);
        Assert.Contains("ok: 12 tensors", output);
    }

    [Fact]
    public void Python_reads_any_valid_layout_the_same_as_we_do()
    {
        // Unpadded header, entries neither in name nor in offset order, data laid out b, c, a.
        var path = directory.File("layout.safetensors");
        File.WriteAllBytes(path, Raw(
            """{"a":{"dtype":"I16","shape":[2],"data_offsets":[3,7]},"c":{"dtype":"U8","shape":[0],"data_offsets":[3,3]},"b":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}}""",
            [10, 20, 30, 0x01, 0x80, 0xFF, 0x7F]));

        using var scope = Torch.NewDisposeScope();
        var loaded = SafeTensors.Load(path);
        Assert.Equal(["a", "b", "c"], loaded.Keys);
        Assert.Equal(new short[] { unchecked((short)0x8001), 0x7FFF }, loaded["a"].ToArray<short>());
        Assert.Equal(new byte[] { 10, 20, 30 }, loaded["b"].ToArray<byte>());
        Assert.Equal([0L], loaded["c"].Shape);

        using var python = JsonDocument.Parse(Python.Run("safetensors_dump.py", path));
        var pythonTensors = python.RootElement.GetProperty("tensors");
        Assert.Equal(["a", "b", "c"], pythonTensors.EnumerateObject().Select(p => p.Name));
        foreach (var (name, tensor) in loaded)
        {
            var bits = pythonTensors.GetProperty(name).GetProperty("bits").EnumerateArray().Select(b => b.GetInt64());
            Assert.Equal(bits, Bits(tensor));
        }
    }

    public static TheoryData<DType> AllDTypes => new(Enum.GetValues<DType>());

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void Round_trip_keeps_every_dtype_bit_for_bit(DType dtype)
    {
        using var scope = Torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["matrix"] = Tensor.Arange(0, 12).To(dtype).Reshape(3, 4),
            ["scalar"] = Tensor.Arange(1, 2).To(dtype).Reshape(),
            ["empty"] = Tensor.Zeros([2, 0, 3], dtype),
            ["odd"] = Tensor.Arange(0, 3).To(dtype), // 3 elements: misaligns what follows unless the writer orders by alignment
            ["mixed.f32"] = Tensor.Arange(0, 5, dtype: DType.Float32),
        };
        var path = directory.File($"round-trip-{dtype}.safetensors");
        var metadata = new Dictionary<string, string> { ["dtype"] = dtype.ToString(), ["empty"] = "" };

        SafeTensors.Save(path, tensors, metadata);
        var loaded = SafeTensors.Load(path);

        Assert.Equal(tensors.Keys.Order(StringComparer.Ordinal), loaded.Keys);
        foreach (var (name, original) in tensors)
        {
            var copy = loaded[name];
            Assert.Equal(original.DType, copy.DType);
            Assert.Equal(original.Shape, copy.Shape);
            Assert.Equal(Bytes(original), Bytes(copy));
        }
        Assert.Equal(metadata, SafeTensors.LoadMetadata(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Writer_output_matches_the_reference_implementations_test_vectors()
    {
        // Byte strings from the reference implementation's own serialization tests.
        using var scope = Torch.NewDisposeScope();
        var path = directory.File("vectors.safetensors");

        SafeTensors.Save(path, [new("attn.0", Tensor.Arange(0, 6, dtype: DType.Float32).Reshape(1, 2, 3))]);
        Assert.Equal(
            Raw("""{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}""", LittleEndian<float>(0, 1, 2, 3, 4, 5)),
            File.ReadAllBytes(path));

        SafeTensors.Save(path, []);
        Assert.Equal(Raw("{}      ", []), File.ReadAllBytes(path));

        SafeTensors.Save(path, [], new Dictionary<string, string> { ["framework"] = "pt" });
        Assert.Equal(Raw("""{"__metadata__":{"framework":"pt"}}     """, []), File.ReadAllBytes(path));
        Assert.Empty(SafeTensors.Load(path));
    }

    [Fact]
    public void Writer_orders_tensors_by_alignment_so_each_starts_aligned()
    {
        using var scope = Torch.NewDisposeScope();
        var path = directory.File("aligned.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor>
        {
            ["a.bool"] = Tensor.Ones([3], DType.Bool),
            ["b.f16"] = Tensor.Ones([3], DType.Float16),
            ["c.f32"] = Tensor.Ones([3]),
            ["d.i64"] = Tensor.Ones([1], DType.Int64),
            ["e.f64"] = Tensor.Ones([1], DType.Float64),
        });

        var bytes = File.ReadAllBytes(path);
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        var order = header.RootElement.EnumerateObject()
            .OrderBy(p => p.Value.GetProperty("data_offsets")[0].GetInt64())
            .Select(p => p.Name);
        Assert.Equal(["d.i64", "e.f64", "c.f32", "b.f16", "a.bool"], order);
    }

    [Fact]
    public void Save_replaces_an_existing_file()
    {
        using var scope = Torch.NewDisposeScope();
        var path = directory.File("replaced.safetensors");
        File.WriteAllText(path, "old contents");

        SafeTensors.Save(path, [new("x", Tensor.Ones([2]))]);

        Assert.Equal([1f, 1f], SafeTensors.Load(path)["x"].ToArray<float>());
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Save_rejects_duplicate_and_reserved_names_and_keeps_the_old_file()
    {
        using var scope = Torch.NewDisposeScope();
        var path = directory.File("rejected.safetensors");
        File.WriteAllText(path, "old contents");
        var one = Tensor.Ones([1]);

        var duplicate = Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, [new("w", one), new("w", one)]));
        Assert.Contains("'w'", duplicate.Message);
        var reserved = Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, [new("__metadata__", one)]));
        Assert.Contains("__metadata__", reserved.Message);
        Assert.Equal("old contents", File.ReadAllText(path));
    }

    /// <summary>An 8-byte little-endian length, the header text as given, then the data.</summary>
    internal static byte[] Raw(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    private static byte[] LittleEndian<T>(params T[] values) where T : unmanaged
    {
        Assert.True(BitConverter.IsLittleEndian);
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }

    private static byte[] Bytes(Tensor tensor)
    {
        var bytes = new byte[tensor.ByteSize];
        tensor.CopyTo(bytes);
        return bytes;
    }

    /// <summary>Each element's bits as a signed integer of its width (unsigned for U8 and BOOL), like safetensors_dump.py.</summary>
    private static long[] Bits(Tensor tensor)
    {
        var bytes = Bytes(tensor);
        var size = tensor.DType.ElementSize();
        var bits = new long[tensor.NumEl];
        for (var i = 0; i < bits.Length; i++)
        {
            var element = bytes.AsSpan(i * size, size);
            bits[i] = size switch
            {
                1 => tensor.DType == DType.Int8 ? (sbyte)element[0] : element[0],
                2 => BinaryPrimitives.ReadInt16LittleEndian(element),
                4 => BinaryPrimitives.ReadInt32LittleEndian(element),
                _ => BinaryPrimitives.ReadInt64LittleEndian(element),
            };
        }
        return bits;
    }

    private static string Code(DType dtype) => dtype switch
    {
        DType.Float64 => "F64",
        DType.Float32 => "F32",
        DType.Float16 => "F16",
        DType.BFloat16 => "BF16",
        DType.Int64 => "I64",
        DType.Int32 => "I32",
        DType.Int16 => "I16",
        DType.Int8 => "I8",
        DType.UInt8 => "U8",
        DType.Bool => "BOOL",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };
}
