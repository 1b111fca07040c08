using System.Buffers.Binary;
using System.Text;

namespace ModelDsl.Tests.IO;

/// <summary>Hand-built safetensors bytes for the hostile-file tests, and a temporary directory for them.</summary>
internal static class SafeTensorsFiles
{
    /// <summary>8-byte little-endian header length, the header padded with spaces to a multiple of 8, then <paramref name="data"/>.</summary>
    public static byte[] Raw(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var padded = (json.Length + 7) / 8 * 8;
        var bytes = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        json.CopyTo(bytes, 8);
        bytes.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        data.CopyTo(bytes, 8 + padded);
        return bytes;
    }

    /// <summary>A declared header length that need not match the header.</summary>
    public static byte[] WithLength(ulong declared, string header)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declared);
        json.CopyTo(bytes, 8);
        return bytes;
    }
}
