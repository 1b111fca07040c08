namespace ModelDsl.Benchmarks;

/// <summary>
/// The benchmarked models, built exactly like benchmarks/overhead.py builds them: seed, construct (PyTorch's
/// init draw order), then draw the input — so both sides hold the same weights and the same input.
/// </summary>
internal static class Models
{
    /// <summary>Seed used before building each model.</summary>
    public const ulong Seed = 0;

    /// <summary>Case "linear_relu": Linear(64, 64) → ReLU, input [1, 64].</summary>
    public static (Sequential Model, Tensor Input) LinearRelu()
    {
        Torch.ManualSeed(Seed);
        var model = new Sequential(new Linear(64, 64), new ReLU());
        model.Eval();
        var input = DisposeScope.Detach(Tensor.Randn([1, 64]));
        return (model, input);
    }

    /// <summary>Case "mlp4": Linear(64, 256) → ReLU → Linear(256, 256) → ReLU → Linear(256, 256) → ReLU → Linear(256, 10), input [1, 64].</summary>
    public static (Sequential Model, Tensor Input) Mlp4()
    {
        Torch.ManualSeed(Seed);
        var model = new Sequential(
            new Linear(64, 256), new ReLU(),
            new Linear(256, 256), new ReLU(),
            new Linear(256, 256), new ReLU(),
            new Linear(256, 10));
        model.Eval();
        var input = DisposeScope.Detach(Tensor.Randn([1, 64]));
        return (model, input);
    }

    /// <summary>Sum of the model's output on its input, to show both sides compute the same thing.</summary>
    public static double Checksum(Layer model, Tensor input)
    {
        using var scope = Torch.NewDisposeScope();
        return model.Forward(input).Sum().Item();
    }
}
