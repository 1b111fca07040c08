using static TorchSharp.torch;
using Attribute = ModelDsl.Onnx.OnnxGraph.Attribute;

namespace ModelDsl.Onnx;

// [Custom] layers whose module implements IOnnxExportable: the module writes its own nodes.
public sealed partial class OnnxExport
{
    /// <summary>
    /// A <c>[Custom]</c> layer whose module implements <see cref="IOnnxExportable"/>: the module at
    /// <paramref name="path"/> writes its nodes from <paramref name="x"/>, and its output is annotated with the declared shape.
    /// </summary>
    public string Custom(string path, string x, int[] input, int[] output)
    {
        var layer = module.named_modules().FirstOrDefault(m => m.name == path).module;
        if (layer is not IOnnxExportable exportable)
        {
            throw new NotSupportedException(Unmapped(model, path, layer is null ? "Custom, no module at this path" : "Custom, " + layer.GetType().FullName + " does not implement IOnnxExportable"));
        }

        var y = exportable.ExportOnnx(new OnnxCustomLayer(this, path, input, output), x);
        if (string.IsNullOrEmpty(y) || !graph.Has(y))
        {
            throw new InvalidOperationException($"ONNX export of {model}: custom layer '{path}' ({layer.GetType().FullName}) returned '{y}', which no node of the graph writes");
        }

        // A layer that returns its input unchanged adds no node; its value is already annotated.
        return y == x ? y : Annotated(y, output);
    }

    internal bool HasValue(string value) => graph.Has(value);

    internal string CustomNode(string opType, string name, IReadOnlyList<string> inputs, Attribute[] attributes) =>
        graph.Node(opType, name, name, inputs, attributes);

    internal string CustomWeight(string name)
    {
        if (!weights.ContainsKey(name))
        {
            throw new ArgumentException($"ONNX export of {model}: the model has no tensor '{name}' (the custom layer's state-dict names are its path, a dot, and its own names)", nameof(name));
        }

        return Weight(name);
    }

    internal string CustomConstant(float[] data, long[] dims) => Floats(data, dims);

    internal string CustomConstant(long[] data, long[] dims) => Ints(data, dims);
}
