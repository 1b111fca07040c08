using System.Runtime.InteropServices;
using System.Text;

namespace ModelDsl.Onnx;

/// <summary>
/// One protobuf message in wire format, built field by field: only what ONNX's messages use (varints, 32-bit floats,
/// strings and bytes, nested messages). Sizes are computed before anything is written, so a model streams to its file
/// without a second copy of its weights in memory.
/// </summary>
internal sealed class ProtoMessage
{
    // Wire types (protobuf encoding): varint, 64-bit, length-delimited, 32-bit.
    private const int Varint = 0;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;

    private readonly List<Field> fields = [];
    private long size = -1;

    /// <summary>An integer field (int32, int64 or enum), one varint; negative values take ten bytes as protobuf specifies.</summary>
    public ProtoMessage Int(int number, long value) => Add(new Field(number, Varint, value, null));

    /// <summary>A repeated integer field written unpacked (ONNX's proto2 default; every parser accepts it).</summary>
    public ProtoMessage Ints(int number, IEnumerable<long> values)
    {
        foreach (var value in values)
        {
            Int(number, value);
        }

        return this;
    }

    /// <summary>A float field (fixed 32 bits, little-endian).</summary>
    public ProtoMessage Float(int number, float value) => Add(new Field(number, Fixed32, BitConverter.SingleToInt32Bits(value), null));

    /// <summary>A string field, UTF-8.</summary>
    public ProtoMessage String(int number, string value) => Add(new Field(number, LengthDelimited, 0, Encoding.UTF8.GetBytes(value)));

    /// <summary>A bytes field holding the little-endian bytes of <paramref name="values"/> (a tensor's raw_data), not copied.</summary>
    public ProtoMessage Raw<T>(int number, T[] values)
        where T : unmanaged => Add(new Field(number, LengthDelimited, 0, new RawArray<T>(values)));

    /// <summary>A nested message field.</summary>
    public ProtoMessage Message(int number, ProtoMessage value) => Add(new Field(number, LengthDelimited, 0, value));

    /// <summary>The encoded size in bytes.</summary>
    public long Size
    {
        get
        {
            if (size < 0)
            {
                size = fields.Sum(FieldSize);
            }

            return size;
        }
    }

    /// <summary>Writes the encoded message (without a length prefix) to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        if (!BitConverter.IsLittleEndian)
        {
            // Raw tensor data is written as it lies in memory; ONNX stores it little-endian.
            throw new PlatformNotSupportedException("ONNX export writes tensor data in memory order, which is little-endian only");
        }

        Span<byte> scratch = stackalloc byte[10];
        foreach (var field in fields)
        {
            WriteVarint(stream, ((ulong)field.Number << 3) | (uint)field.WireType, scratch);
            switch (field.Payload)
            {
                case null when field.WireType == Fixed32:
                    BitConverter.TryWriteBytes(scratch, (int)field.Value);
                    stream.Write(scratch[..4]);
                    break;
                case null:
                    WriteVarint(stream, (ulong)field.Value, scratch);
                    break;
                case byte[] bytes:
                    WriteVarint(stream, (ulong)bytes.Length, scratch);
                    stream.Write(bytes);
                    break;
                case IRaw raw:
                    WriteVarint(stream, (ulong)raw.Length, scratch);
                    raw.WriteTo(stream);
                    break;
                case ProtoMessage message:
                    WriteVarint(stream, (ulong)message.Size, scratch);
                    message.WriteTo(stream);
                    break;
            }
        }
    }

    private ProtoMessage Add(Field field)
    {
        fields.Add(field);
        size = -1;
        return this;
    }

    private static long FieldSize(Field field)
    {
        var tag = VarintSize(((ulong)field.Number << 3) | (uint)field.WireType);
        long payload = field.Payload switch
        {
            null when field.WireType == Fixed32 => 4,
            null => VarintSize((ulong)field.Value),
            byte[] bytes => VarintSize((ulong)bytes.Length) + bytes.Length,
            IRaw raw => VarintSize((ulong)raw.Length) + raw.Length,
            ProtoMessage message => VarintSize((ulong)message.Size) + message.Size,
            _ => throw new InvalidOperationException("unknown protobuf payload"),
        };
        return tag + payload;
    }

    private static int VarintSize(ulong value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }

    private static void WriteVarint(Stream stream, ulong value, Span<byte> scratch)
    {
        var n = 0;
        while (value >= 0x80)
        {
            scratch[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        scratch[n++] = (byte)value;
        stream.Write(scratch[..n]);
    }

    private readonly record struct Field(int Number, int WireType, long Value, object? Payload);

    private interface IRaw
    {
        long Length { get; }

        void WriteTo(Stream stream);
    }

    private sealed class RawArray<T>(T[] values) : IRaw
        where T : unmanaged
    {
        public long Length => (long)values.Length * Marshal.SizeOf<T>();

        public void WriteTo(Stream stream) => stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }
}
