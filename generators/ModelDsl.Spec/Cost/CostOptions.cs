namespace ModelDsl.Spec;

/// <summary>Storage assumptions of a cost report.</summary>
/// <param name="BytesPerParameter">Bytes per weight element (float32 = 4).</param>
/// <param name="BytesPerActivation">Bytes per activation element (float32 = 4).</param>
public sealed record CostOptions(int BytesPerParameter = 4, int BytesPerActivation = 4)
{
    /// <summary>float32 weights and activations.</summary>
    public static CostOptions Float32 { get; } = new();
}
