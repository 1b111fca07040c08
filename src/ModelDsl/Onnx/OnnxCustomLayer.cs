using static TorchSharp.torch;

namespace ModelDsl.Onnx;

/// <summary>
/// What a custom layer's <see cref="IOnnxExportable.ExportOnnx"/> writes with: its place in the model (state-dict path,
/// per-sample shapes) and the graph it writes into. Every node is named under the layer's path, and the layer's own
/// tensors become initializers under their state-dict names, as the generated layers' do.
/// </summary>
public sealed class OnnxCustomLayer
{
    private readonly OnnxExport export;

    internal OnnxCustomLayer(OnnxExport export, string path, IReadOnlyList<int> input, IReadOnlyList<int> output)
    {
        this.export = export;
        Path = path;
        InputShape = input;
        OutputShape = output;
    }

    /// <summary>The layer's state-dict path in the model (<c>scale</c>, <c>blocks.2.mixer</c>).</summary>
    public string Path { get; }

    /// <summary>The input's shape per sample, batch excluded: what the model's compile-time shapes give.</summary>
    public IReadOnlyList<int> InputShape { get; }

    /// <summary>The output's shape per sample, as the layer's <c>[Custom(…, Output = …)]</c> declares it.</summary>
    public IReadOnlyList<int> OutputShape { get; }

    /// <summary>Adds a node of the standard ONNX domain (opset 17) and returns its output value's name.</summary>
    /// <param name="opType">The operator (<c>Mul</c>, <c>Reshape</c>, <c>Conv</c> …).</param>
    /// <param name="inputs">The values it reads: the layer's input, earlier nodes' outputs, <see cref="Weight"/> or <see cref="Constant(float[], long[])"/> names.</param>
    /// <param name="attributes">Its attributes.</param>
    public string Node(string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(attributes);
        foreach (var input in inputs)
        {
            if (!export.HasValue(input))
            {
                throw new ArgumentException($"ONNX export of custom layer '{Path}': node {opType} reads '{input}', which no node or initializer of the graph writes", nameof(inputs));
            }
        }

        // Named path/op, made unique by the graph (path/Mul, path/Mul_1 …), as the generated layers' nodes are.
        return export.CustomNode(opType, Path + "/" + opType, inputs, attributes.Select(a => a.Value).ToArray());
    }

    /// <summary>The layer's own float32 tensor <paramref name="name"/> (a parameter or buffer, e.g. <c>weight</c>) as an initializer under its state-dict name.</summary>
    public string Weight(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return export.CustomWeight(Path + "." + name);
    }

    /// <summary>A float32 constant of shape <paramref name="dims"/>.</summary>
    public string Constant(float[] data, params long[] dims) => export.CustomConstant(Checked(data, dims), dims);

    /// <summary>An int64 constant of shape <paramref name="dims"/> (a Reshape's shape, a Gather's indices).</summary>
    public string Constant(long[] data, params long[] dims) => export.CustomConstant(Checked(data, dims), dims);

    private T[] Checked<T>(T[] data, long[] dims)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(dims);
        var count = dims.Aggregate(1L, (n, d) => d < 0 ? -1 : checked(n * d));
        if (count != data.Length)
        {
            throw new ArgumentException($"ONNX export of custom layer '{Path}': a constant of shape [{string.Join(", ", dims)}] needs {count} values, got {data.Length}", nameof(data));
        }

        return data;
    }
}
