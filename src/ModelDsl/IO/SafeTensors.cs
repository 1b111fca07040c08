using System.Collections.ObjectModel;
using System.IO.MemoryMappedFiles;

namespace ModelDsl;

/// <summary>
/// Reads and writes the Hugging Face safetensors format: an 8-byte little-endian header length, a UTF-8 JSON
/// header naming each tensor's dtype, shape and byte range, then the raw row-major little-endian data.
/// Files interoperate with Python's <c>safetensors.torch.load_file</c>/<c>save_file</c>.
/// Supported dtypes: F64, F32, F16, BF16, I64, I32, I16, I8, U8 and BOOL; each tensor must be smaller than 2 GiB
/// (the size of a .NET span), while the file as a whole may be larger.
/// </summary>
public static class SafeTensors
{
    /// <summary>
    /// Loads every tensor of the file onto the CPU, in ordinal name order. The whole header is validated before
    /// any tensor is created, so a malformed file allocates nothing. The tensors belong to the current
    /// <see cref="DisposeScope"/> if there is one, else to the caller, who must dispose them.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file; the message names the file and the offending entry.</exception>
    /// <exception cref="NotSupportedException">A tensor is 2 GiB or larger.</exception>
    public static unsafe IReadOnlyDictionary<string, Tensor> Load(string path)
    {
        using var file = OpenRead(path);
        var header = SafeTensorsHeader.Read(file, path);
        foreach (var entry in header.Entries)
        {
            if (entry.ByteLength > int.MaxValue)
            {
                throw new NotSupportedException($"{path}: tensor '{entry.Name}' has {entry.ByteLength} bytes; tensors of 2 GiB or more cannot be loaded yet");
            }
        }

        var tensors = new OrderedDictionary<string, Tensor>(header.Entries.Count, StringComparer.Ordinal);
        if (header.Entries.Count == 0)
        {
            return new ReadOnlyDictionary<string, Tensor>(tensors);
        }
        // Mapping the file lets libtorch copy each tensor straight from the page cache: no managed copy of the data.
        using var map = MemoryMappedFile.CreateFromFile(file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        using var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* start = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        try
        {
            var data = start + view.PointerOffset + header.DataStart;
            foreach (var entry in header.Entries)
            {
                var bytes = new ReadOnlySpan<byte>(data + entry.Begin, (int)entry.ByteLength);
                tensors.Add(entry.Name, Tensor.FromBytes(bytes, entry.DType, entry.Shape));
            }
        }
        catch
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
            throw;
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
        return new ReadOnlyDictionary<string, Tensor>(tensors);
    }

    /// <summary>The file's <c>__metadata__</c> strings (sorted by key; empty when it has none), reading only the header.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file.</exception>
    public static IReadOnlyDictionary<string, string> LoadMetadata(string path)
    {
        using var file = OpenRead(path);
        return SafeTensorsHeader.Read(file, path).Metadata;
    }

    /// <summary>
    /// Writes the tensors (from any device and layout; the bytes saved are their row-major CPU values) and the
    /// optional <c>__metadata__</c> strings. The layout matches the reference writer byte for byte: header padded
    /// with spaces to a multiple of 8, tensors sorted by dtype alignment (largest first) then name, no gaps.
    /// The file is written beside <paramref name="path"/> and moved over it at the end, so a failure leaves an
    /// existing file untouched.
    /// </summary>
    /// <exception cref="ArgumentException">Two tensors share a name, or a name is <c>__metadata__</c>.</exception>
    /// <exception cref="NotSupportedException">A tensor is 2 GiB or larger.</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var items = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in items)
        {
            ArgumentNullException.ThrowIfNull(tensor, $"tensors[\"{name}\"]");
            if (name == "__metadata__" || !names.Add(name))
            {
                throw new ArgumentException(name == "__metadata__" ? "the name __metadata__ is reserved for the metadata" : $"two tensors are named '{name}'", nameof(tensors));
            }
            if (tensor.ByteSize > int.MaxValue)
            {
                throw new NotSupportedException($"tensor '{name}' has {tensor.ByteSize} bytes; tensors of 2 GiB or more cannot be saved yet");
            }
        }
        items.Sort((a, b) =>
        {
            var byAlignment = SafeTensorsDType.Rank(b.Value.DType).CompareTo(SafeTensorsDType.Rank(a.Value.DType));
            return byAlignment != 0 ? byAlignment : string.CompareOrdinal(a.Key, b.Key);
        });

        var entries = new List<SafeTensorsEntry>(items.Count);
        long offset = 0;
        foreach (var (name, tensor) in items)
        {
            entries.Add(new SafeTensorsEntry(name, tensor.DType, tensor.Shape, offset, offset + tensor.ByteSize));
            offset += tensor.ByteSize;
        }
        var header = SafeTensorsHeader.Encode(entries, metadata);

        var temporary = path + ".tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(header);
                var buffer = GC.AllocateUninitializedArray<byte>((int)entries.Select(e => e.ByteLength).DefaultIfEmpty(0).Max());
                foreach (var (entry, (_, tensor)) in entries.Zip(items))
                {
                    var bytes = buffer.AsSpan(0, (int)entry.ByteLength);
                    tensor.CopyTo(bytes);
                    file.Write(bytes);
                }
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
            throw;
        }
    }

    private static FileStream OpenRead(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }
}
