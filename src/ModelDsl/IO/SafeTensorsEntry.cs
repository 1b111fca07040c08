namespace ModelDsl;

/// <summary>One tensor's line in a safetensors header: where its bytes are, relative to the end of the header.</summary>
internal sealed record SafeTensorsEntry(string Name, DType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Bytes the tensor occupies in the data section.</summary>
    public long ByteLength => End - Begin;
}
