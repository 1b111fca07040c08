using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl.Benchmarks;

/// <summary>
/// Per-call time of a batch-1 forward of the generated MLP against the same MLP written by hand in TorchSharp (a lean
/// module and a Sequential), each inside a dispose scope. Grad mode is off and the models are in eval mode, like the
/// PyTorch side in benchmarks/overhead.py. The side-by-side figures come from <c>--quick</c> (overhead.sh).
/// </summary>
[MemoryDiagnoser]
public class OverheadBenchmarks
{
    private Models.Implementations mlp4 = null!;

    [GlobalSetup]
    public void Setup()
    {
        // BenchmarkDotNet runs the setup and the workload on the same thread; grad mode is per thread and stays off
        // for the whole run (the guard is deliberately never disposed).
        _ = torch.no_grad();
        mlp4 = Models.Mlp4();
    }

    /// <summary>The generated GeneratedMlp4.</summary>
    [Benchmark(Baseline = true)]
    public void Mlp4_Generated()
    {
        using var scope = torch.NewDisposeScope();
        mlp4.Generated.call(mlp4.Input);
    }

    /// <summary>HandMlp: the same layers, written by hand.</summary>
    [Benchmark]
    public void Mlp4_Hand()
    {
        using var scope = torch.NewDisposeScope();
        mlp4.Hand.call(mlp4.Input);
    }

    /// <summary>nn.Sequential of the same layers.</summary>
    [Benchmark]
    public void Mlp4_Sequential()
    {
        using var scope = torch.NewDisposeScope();
        mlp4.Sequential.call(mlp4.Input);
    }
}
