using System.Buffers.Binary;
using System.IO.Compression;

namespace ModelDsl;

/// <summary>
/// Checks a <c>torch.save</c> archive before PyBridge unpickles it. PyBridge's unpickler allocates whatever a
/// length-prefixed pickle argument declares before it reads it, so one damaged byte in <c>data.pkl</c> makes it
/// allocate up to 4 GB (seen: 2.2 GB peak from a 1 KB file). Here every archive entry must declare a size deflate
/// could produce from what is stored (PyTorch stores entries, PyBridge deflates them), and every opcode of
/// <c>data.pkl</c> must be a known one whose arguments fit in what is left of the pickle.
/// </summary>
internal static class PickleScan
{
    /// <summary>torch.save's pickles hold only the structure (names, shapes, storage keys): kilobytes to a few megabytes.</summary>
    public const long MaxPickleLength = 256L << 20;

    /// <summary>The most that deflate can expand its input (RFC 1951: a 258-byte match in about 2 bits).</summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>Throws <see cref="InvalidDataException"/> naming <paramref name="path"/> when the archive or its pickle is malformed.</summary>
    public static void CheckArchive(Stream file, string path)
    {
        var fileLength = file.Length;
        file.Position = 0;
        byte[] pickle;
        try
        {
            using var archive = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            foreach (var entry in archive.Entries)
            {
                // Deflate expands at most 1032:1, so a larger declared size is a lie (a zip bomb, or damage).
                if (entry.CompressedLength > fileLength || entry.Length > Math.Max(entry.CompressedLength, 1) * MaxDeflateRatio)
                {
                    throw Invalid(path, $"archive entry '{entry.FullName}' declares {entry.Length} bytes from {entry.CompressedLength} stored in a {fileLength}-byte file");
                }
            }
            var data = archive.Entries.FirstOrDefault(e => e.Name.EndsWith("data.pkl", StringComparison.Ordinal))
                ?? throw Invalid(path, "the archive has no data.pkl");
            if (data.Length > MaxPickleLength)
            {
                throw Invalid(path, $"data.pkl has {data.Length} bytes, more than the {MaxPickleLength}-byte limit");
            }
            pickle = new byte[data.Length];
            using var stream = data.Open();
            stream.ReadExactly(pickle);
        }
        catch (Exception e) when (e is InvalidDataException or IOException && e is not FileNotFoundException)
        {
            throw e.Message.StartsWith(path, StringComparison.Ordinal) ? e : Invalid(path, $"not a readable zip archive ({e.Message})", e);
        }
        finally
        {
            file.Position = 0;
        }
        CheckPickle(pickle, path);
    }

    /// <summary>Walks the opcodes of <paramref name="pickle"/>: known opcodes only, arguments inside the pickle, STOP at the end.</summary>
    public static void CheckPickle(ReadOnlySpan<byte> pickle, string path)
    {
        var at = 0;
        while (at < pickle.Length)
        {
            var opcode = pickle[at];
            var start = at++;
            long argument = opcode switch
            {
                // No argument.
                (byte)'(' or (byte)'.' or (byte)'0' or (byte)'1' or (byte)'2' or (byte)'N' or (byte)')' or (byte)']' or (byte)'}'
                    or (byte)'a' or (byte)'e' or (byte)'s' or (byte)'u' or (byte)'t' or (byte)'l' or (byte)'d' or (byte)'R' or (byte)'b'
                    or (byte)'o' or (byte)'Q' or 0x81 or 0x85 or 0x86 or 0x87 or 0x88 or 0x89 or 0x8f or 0x90 or 0x91 or 0x92 or 0x93
                    or 0x94 or 0x97 or 0x98 => 0,
                (byte)'K' or (byte)'q' or (byte)'h' or 0x80 or 0x82 => 1,
                (byte)'M' or 0x83 => 2,
                (byte)'J' or (byte)'r' or (byte)'j' or 0x84 => 4,
                (byte)'G' => 8,
                // A length, then that many bytes.
                (byte)'U' or (byte)'C' or 0x8c or 0x8a => 1 + (long)Need(pickle, at, 1, path, start)[0],
                (byte)'T' or (byte)'X' or (byte)'B' or 0x8b => 4 + (long)BinaryPrimitives.ReadUInt32LittleEndian(Need(pickle, at, 4, path, start)),
                0x8d or 0x8e or 0x96 => Length8(pickle, at, path, start),
                // A frame only announces how many bytes follow; its contents are opcodes, walked like the rest.
                0x95 => FrameHeader(pickle, at, path, start),
                // Text arguments ended by newlines (protocol 0): GLOBAL and INST have two.
                (byte)'c' or (byte)'i' => Lines(pickle, at, 2, path, start),
                (byte)'I' or (byte)'L' or (byte)'F' or (byte)'S' or (byte)'V' or (byte)'P' or (byte)'p' or (byte)'g' => Lines(pickle, at, 1, path, start),
                _ => throw Invalid(path, $"data.pkl has an unknown pickle opcode 0x{opcode:x2} at byte {start}"),
            };
            if (argument > pickle.Length - at)
            {
                throw Invalid(path, $"data.pkl: opcode 0x{opcode:x2} at byte {start} needs {argument} more bytes (its argument and any length prefix), but only {pickle.Length - at} remain");
            }
            at += (int)argument;
            if (opcode == (byte)'.')
            {
                return; // STOP: what follows is never read
            }
        }
        throw Invalid(path, "data.pkl ends without a STOP opcode");
    }

    private static ReadOnlySpan<byte> Need(ReadOnlySpan<byte> pickle, int at, int count, string path, int start) =>
        count <= pickle.Length - at ? pickle.Slice(at, count)
            : throw Invalid(path, $"data.pkl: the opcode at byte {start} is cut off by the end of the pickle");

    private static long Length8(ReadOnlySpan<byte> pickle, int at, string path, int start)
    {
        var length = BinaryPrimitives.ReadUInt64LittleEndian(Need(pickle, at, 8, path, start));
        return length > (ulong)pickle.Length ? long.MaxValue : 8 + (long)length;
    }

    private static long FrameHeader(ReadOnlySpan<byte> pickle, int at, string path, int start)
    {
        var length = BinaryPrimitives.ReadUInt64LittleEndian(Need(pickle, at, 8, path, start));
        if (length > (ulong)(pickle.Length - at - 8))
        {
            throw Invalid(path, $"data.pkl: the frame at byte {start} declares {length} bytes, but only {pickle.Length - at - 8} remain");
        }
        return 8;
    }

    private static long Lines(ReadOnlySpan<byte> pickle, int at, int lines, string path, int start)
    {
        var end = at;
        for (var i = 0; i < lines; i++)
        {
            var newline = pickle[end..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                throw Invalid(path, $"data.pkl: the text argument of the opcode at byte {start} has no end of line");
            }
            end += newline + 1;
        }
        return end - at;
    }

    private static InvalidDataException Invalid(string path, string problem, Exception? inner = null) =>
        new($"{path}: not a valid PyTorch state dict file: {problem}", inner);
}
