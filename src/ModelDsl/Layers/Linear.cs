namespace ModelDsl;

/// <summary>y = x Wᵀ + b over the last dimension (<c>nn.Linear</c>): weight [out, in], bias [out].</summary>
public sealed class Linear : Layer
{
    /// <summary>Creates the layer with PyTorch's default initialisation.</summary>
    public Linear(long inFeatures, long outFeatures, bool bias = true)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Tensor.Empty([outFeatures, inFeatures]));
        Bias = bias ? RegisterParameter("bias", Tensor.Empty([outFeatures])) : null;
        ResetParameters();
    }

    /// <summary>Size of each input sample.</summary>
    public long InFeatures { get; }

    /// <summary>Size of each output sample.</summary>
    public long OutFeatures { get; }

    /// <summary>[out, in].</summary>
    public Tensor Weight { get; }

    /// <summary>[out], or null without bias.</summary>
    public Tensor? Bias { get; }

    /// <summary>Kaiming-uniform weight (a = √5) and uniform bias, in PyTorch's draw order.</summary>
    public void ResetParameters()
    {
        Init.KaimingUniform(Weight, Math.Sqrt(5));
        if (Bias is not null)
        {
            Init.BiasUniform(Bias, InFeatures);
        }
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        Check(input);
        return Functional.Linear(input, Weight, Bias);
    }

    /// <summary>relu(Forward(input)) in one native call (what <see cref="Sequential"/> runs for Linear then ReLU).</summary>
    public Tensor ForwardRelu(Tensor input)
    {
        Check(input);
        return Functional.LinearRelu(input, Weight, Bias);
    }

    private void Check(Tensor input)
    {
        var shape = input.ShapeView;
        if (shape.Length == 0 || shape[^1] != InFeatures)
        {
            throw ShapeError($"[*, {Invariant(InFeatures)}]", input);
        }
    }
}
