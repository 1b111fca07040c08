using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>One tensor of a validated safetensors header: where its bytes are, relative to the start of the data section.</summary>
internal sealed record SafeTensorsEntry(string Name, ScalarType DType, long[] Shape, long Begin, long End);
