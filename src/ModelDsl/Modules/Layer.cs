namespace ModelDsl;

/// <summary>A module with one tensor in and one tensor out — the unit <see cref="Sequential"/> chains.</summary>
public abstract class Layer : Module
{
    /// <summary>Computes the layer's output. The caller owns the returned tensor.</summary>
    public abstract Tensor Forward(Tensor input);
}
