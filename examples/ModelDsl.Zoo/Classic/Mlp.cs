namespace ModelDsl.Zoo.Classic;

/// <summary>
/// A multilayer perceptron for 28x28 digits flattened to 784 features, and <c>MlpInt8</c>: the same network with int8
/// Linears (per-channel weights, dynamic int8 activations), built from a trained Mlp by <c>MlpInt8.FromDense</c>.
/// </summary>
[Model(InputShape = [784])]
[Variant("Int8", Weights = Precision.Int8)]
public partial class Mlp
{
    /// <summary>First hidden layer.</summary>
    [Linear(256), ReLU] public partial Layer Hidden1 { get; }

    /// <summary>Second hidden layer.</summary>
    [Linear(128), ReLU, Dropout(0.1)] public partial Layer Hidden2 { get; }

    /// <summary>Logits.</summary>
    [Linear(10)] public partial Layer Output { get; }
}
