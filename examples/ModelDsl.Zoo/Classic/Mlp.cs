namespace ModelDsl.Zoo.Classic;

/// <summary>A multilayer perceptron for 28x28 digits flattened to 784 features.</summary>
[Model(InputShape = [784])]
public partial class Mlp
{
    /// <summary>First hidden layer.</summary>
    [Linear(256), ReLU] public partial Layer Hidden1 { get; }

    /// <summary>Second hidden layer.</summary>
    [Linear(128), ReLU, Dropout(0.1)] public partial Layer Hidden2 { get; }

    /// <summary>Logits.</summary>
    [Linear(10)] public partial Layer Output { get; }
}
