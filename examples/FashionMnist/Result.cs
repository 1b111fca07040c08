namespace FashionMnist;

/// <summary>One variant's measured row: every figure is from this run (costs from the generated constants or the masks).</summary>
internal sealed record Result(string Title, long Macs, bool EffectiveMacs, long Parameters, long WeightBytes, double Accuracy, double LatencyBatch1Ms, double LatencyBatch256Ms);
