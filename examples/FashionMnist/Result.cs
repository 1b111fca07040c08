namespace FashionMnist;

/// <summary>One variant's measured row: every figure is from this run (costs from the generated constants or the masks).</summary>
/// <param name="OnnxBatch1Ms">The same model exported with its generated ExportOnnx (int8 classes in QDQ form) and run in ONNX Runtime, batch 1; null where not measured.</param>
/// <param name="OnnxBatch256Ms">As <paramref name="OnnxBatch1Ms"/>, batch 256.</param>
internal sealed record Result(string Title, long Macs, bool EffectiveMacs, long Parameters, long WeightBytes, double Accuracy, double LatencyBatch1Ms, double LatencyBatch256Ms,
    double? OnnxBatch1Ms = null, double? OnnxBatch256Ms = null);
