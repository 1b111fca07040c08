using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Unicode;

namespace ModelDsl;

/// <summary>
/// The JSON header of a safetensors file, parsed and checked against the file's length before any tensor exists.
/// PyBridge's reader trusts the header (it accepts overlapping, gapped and out-of-range offsets and sizes a tensor
/// from the shape alone), so every file passes through this check first.
/// </summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>The reference implementation's limit; a larger length means a corrupt or hostile file.</summary>
    public const long MaxLength = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private SafeTensorsHeader(IReadOnlyList<SafeTensorsEntry> entries, IReadOnlyDictionary<string, string> metadata, long dataStart)
    {
        Entries = entries;
        Metadata = metadata;
        DataStart = dataStart;
    }

    /// <summary>The tensors, sorted by name (ordinal).</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> strings sorted by key; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>File position where the data section starts (8 + header length).</summary>
    public long DataStart { get; }

    /// <summary>Reads and validates the header of <paramref name="file"/>; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file.</exception>
    public static SafeTensorsHeader Read(Stream file, string path)
    {
        var fileLength = file.Length;
        if (fileLength < 8)
        {
            throw Invalid(path, $"the file has {fileLength} bytes, fewer than the 8-byte header length that starts every safetensors file");
        }
        Span<byte> prefix = stackalloc byte[8];
        file.Position = 0;
        file.ReadExactly(prefix);
        var length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length > MaxLength)
        {
            throw Invalid(path, $"the header length {length} exceeds the {MaxLength}-byte limit");
        }
        var dataStart = 8 + (long)length;
        if (dataStart > fileLength)
        {
            throw Invalid(path, $"the header length {length} runs past the end of the file ({fileLength} bytes)");
        }
        var json = new byte[length];
        file.ReadExactly(json);

        var (entries, metadata) = Parse(json, path);
        CheckLayout(entries, fileLength - dataStart, path);
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new SafeTensorsHeader(entries, metadata, dataStart);
    }

    private static (List<SafeTensorsEntry> Entries, IReadOnlyDictionary<string, string> Metadata) Parse(byte[] json, string path)
    {
        // JsonDocument reports bad UTF-8 only inside strings it decodes; checking up front gives one clear message.
        if (!Utf8.IsValid(json))
        {
            throw Invalid(path, "the header is not valid UTF-8");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"the header is not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, $"the header is a JSON {root.ValueKind}, not an object");
            }
            var entries = new List<SafeTensorsEntry>();
            IReadOnlyDictionary<string, string> metadata = new SortedDictionary<string, string>(StringComparer.Ordinal);
            // JsonDocument keeps duplicate keys; the format maps names to tensors, so a repeated name is ambiguous.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw Invalid(path, $"the name '{property.Name}' appears twice in the header");
                }
                if (property.Name == MetadataKey)
                {
                    metadata = ParseMetadata(property.Value, path);
                }
                else
                {
                    entries.Add(ParseEntry(property.Name, property.Value, path));
                }
            }
            return (entries, metadata);
        }
    }

    private static SortedDictionary<string, string> ParseMetadata(JsonElement value, string path)
    {
        var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (value.ValueKind == JsonValueKind.Null)
        {
            return metadata;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"{MetadataKey} is a JSON {value.ValueKind}, not an object of strings");
        }
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid(path, $"{MetadataKey} entry '{property.Name}' is a JSON {property.Value.ValueKind}, not a string");
            }
            if (!metadata.TryAdd(property.Name, property.Value.GetString()!))
            {
                throw Invalid(path, $"{MetadataKey} entry '{property.Name}' appears twice");
            }
        }
        return metadata;
    }

    private static SafeTensorsEntry ParseEntry(string name, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw InvalidEntry(path, name, $"is a JSON {value.ValueKind}, not an object with dtype, shape and data_offsets");
        }
        if (!value.TryGetProperty("dtype", out var dtypeValue) || dtypeValue.ValueKind != JsonValueKind.String)
        {
            throw InvalidEntry(path, name, "has no \"dtype\" string");
        }
        var code = dtypeValue.GetString()!;
        if (!SafeTensorsDType.TryParse(code, out var dtype, out var elementSize))
        {
            throw InvalidEntry(path, name, $"has dtype \"{code}\", which is unknown or not supported (supported: {SafeTensorsDType.Supported})");
        }
        var shape = ReadIntegers(value, "shape", path, name);
        if (shape.Any(size => size < 0))
        {
            throw InvalidEntry(path, name, $"has a negative size in shape {LayerBase.FormatShape(shape)}");
        }
        var offsets = ReadIntegers(value, "data_offsets", path, name);
        if (offsets is not [var begin, var end] || begin < 0 || end < begin)
        {
            throw InvalidEntry(path, name, $"has data_offsets {LayerBase.FormatShape(offsets)}, which is not a [begin, end] byte range");
        }
        long bytes;
        try
        {
            bytes = checked(shape.Aggregate(1L, (product, size) => product * size) * elementSize);
        }
        catch (OverflowException)
        {
            throw InvalidEntry(path, name, $"has shape {LayerBase.FormatShape(shape)}, too large to address");
        }
        if (end - begin != bytes)
        {
            throw InvalidEntry(path, name,
                $"has data_offsets [{begin}, {end}] ({end - begin} bytes), but a {code} tensor of shape {LayerBase.FormatShape(shape)} takes {bytes} bytes");
        }
        return new SafeTensorsEntry(name, dtype, shape, begin, end);
    }

    private static long[] ReadIntegers(JsonElement entry, string property, string path, string name)
    {
        if (!entry.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            throw InvalidEntry(path, name, $"has no \"{property}\" list");
        }
        var result = new long[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out result[i++]))
            {
                throw InvalidEntry(path, name, $"has \"{property}\": {value.GetRawText()}, which is not a list of integers");
            }
        }
        return result;
    }

    // The format requires the tensors to tile the data section exactly: in offset order each starts where the
    // previous one ended, and the last ends at the end of the file. This rules out overlaps, gaps and trailing bytes.
    private static void CheckLayout(List<SafeTensorsEntry> entries, long dataLength, string path)
    {
        long expected = 0;
        SafeTensorsEntry? previous = null;
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.End > dataLength)
            {
                throw InvalidEntry(path, entry.Name,
                    $"has data_offsets [{entry.Begin}, {entry.End}], past the end of the data section ({dataLength} bytes after the header)");
            }
            if (entry.Begin < expected)
            {
                throw InvalidEntry(path, entry.Name,
                    $"has data_offsets [{entry.Begin}, {entry.End}], overlapping tensor '{previous!.Name}' at [{previous.Begin}, {previous.End}]");
            }
            if (entry.Begin > expected)
            {
                var before = previous is null ? "the start of the data section" : $"the end of tensor '{previous.Name}' at byte {expected}";
                throw InvalidEntry(path, entry.Name,
                    $"has data_offsets [{entry.Begin}, {entry.End}], leaving a gap of {entry.Begin - expected} bytes after {before}");
            }
            expected = entry.End;
            previous = entry;
        }
        if (expected != dataLength)
        {
            throw Invalid(path, $"the tensors cover {expected} bytes of data but the file holds {dataLength} after the header ({dataLength - expected} bytes belong to no tensor)");
        }
    }

    private static InvalidDataException Invalid(string path, string problem, Exception? inner = null) =>
        new($"{path}: not a valid safetensors file: {problem}", inner);

    private static InvalidDataException InvalidEntry(string path, string name, string problem) =>
        Invalid(path, $"tensor '{name}' {problem}");
}
