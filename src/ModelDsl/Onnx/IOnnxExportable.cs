namespace ModelDsl.Onnx;

/// <summary>
/// A <c>[Custom]</c> layer's own ONNX mapping. The generated <c>ExportOnnx</c> cannot know what a user's module computes,
/// so a model with a custom layer refuses to export — unless the module's class implements this interface, in which case
/// the export calls it at the layer's place in forward order and the module writes its nodes itself. The build sees the
/// interface on the class: the generated <c>ExportOnnx</c> is the one that calls it, not the one that throws.
/// Float exports only; an int8 variant's QDQ export still refuses a custom layer.
/// </summary>
public interface IOnnxExportable
{
    /// <summary>Writes this layer's nodes, reading <paramref name="input"/>, and returns the name of its output value.</summary>
    /// <param name="layer">Where to write: the layer's path and shapes, node and weight helpers.</param>
    /// <param name="input">The value the layer reads ([batch, ..<see cref="OnnxCustomLayer.InputShape"/>], float32).</param>
    /// <returns>The value holding the layer's output ([batch, ..<see cref="OnnxCustomLayer.OutputShape"/>]).</returns>
    string ExportOnnx(OnnxCustomLayer layer, string input);
}
