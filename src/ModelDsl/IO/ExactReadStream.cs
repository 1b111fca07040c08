namespace ModelDsl;

/// <summary>
/// A read-only view of a file that either fills every read completely or throws <see cref="EndOfStreamException"/>.
/// PyBridge reads the header with one unchecked <c>Read</c>, so a file truncated by another process after validation
/// would otherwise be parsed from a half-filled buffer; this turns every short read into one clear error.
/// </summary>
internal sealed class ExactReadStream(Stream inner, string path, long expectedLength) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => expectedLength;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = inner.Read(buffer[total..]);
            if (read == 0)
            {
                throw new EndOfStreamException(
                    $"{path}: the file ended at byte {inner.Position} while {expectedLength} bytes were expected (was it truncated while being read?)");
            }
            total += read;
        }
        return total;
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
