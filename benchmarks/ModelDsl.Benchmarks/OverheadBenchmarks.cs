using BenchmarkDotNet.Attributes;

namespace ModelDsl.Benchmarks;

/// <summary>
/// Per-call overhead of a batch-1 forward, written the two ways a user writes it: inside a
/// <see cref="DisposeScope"/>, and with an explicit <c>using var y = …</c>. Grad mode is off (<c>torch.no_grad()</c>)
/// and the models are in eval mode, like the PyTorch side in benchmarks/overhead.py.
/// </summary>
[MemoryDiagnoser]
public class OverheadBenchmarks
{
    private Sequential linearRelu = null!;
    private Tensor linearReluInput = null!;
    private Sequential mlp4 = null!;
    private Tensor mlp4Input = null!;

    [GlobalSetup]
    public void Setup()
    {
        // BenchmarkDotNet runs the setup and the workload on the same thread; grad mode is per thread
        // and stays off for the whole run (the scope is deliberately never closed).
        _ = Torch.NoGrad();
        (linearRelu, linearReluInput) = Models.LinearRelu();
        (mlp4, mlp4Input) = Models.Mlp4();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        linearRelu.Dispose();
        linearReluInput.Dispose();
        mlp4.Dispose();
        mlp4Input.Dispose();
    }

    /// <summary>Linear(64, 64) → ReLU, batch 1, in a DisposeScope.</summary>
    [Benchmark]
    public void LinearRelu_Scope()
    {
        using var scope = Torch.NewDisposeScope();
        linearRelu.Forward(linearReluInput);
    }

    /// <summary>Linear(64, 64) → ReLU, batch 1, explicit using.</summary>
    [Benchmark]
    public void LinearRelu_Using()
    {
        using var y = linearRelu.Forward(linearReluInput);
    }

    /// <summary>Linear(64, 64) then a separate ReLU call (two native calls, as PyTorch's Sequential does).</summary>
    [Benchmark]
    public void LinearRelu_Unfused()
    {
        using var h = ((Linear)linearRelu[0]).Forward(linearReluInput);
        using var y = h.Relu();
    }

    /// <summary>64→256→256→256→10 MLP with ReLU, batch 1, in a DisposeScope.</summary>
    [Benchmark]
    public void Mlp4_Scope()
    {
        using var scope = Torch.NewDisposeScope();
        mlp4.Forward(mlp4Input);
    }

    /// <summary>64→256→256→256→10 MLP with ReLU, batch 1, explicit using.</summary>
    [Benchmark]
    public void Mlp4_Using()
    {
        using var y = mlp4.Forward(mlp4Input);
    }

    /// <summary>A single ReLU on [1, 64]: the floor of one native op through the runtime.</summary>
    [Benchmark]
    public void Relu_Using()
    {
        using var y = linearReluInput.Relu();
    }
}
