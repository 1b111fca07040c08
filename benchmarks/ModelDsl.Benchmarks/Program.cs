using BenchmarkDotNet.Running;
using ModelDsl;
using ModelDsl.Benchmarks;

if (args.Contains("--threads-only"))
{
    // The intra-op thread count libtorch chooses by default here; overhead.sh hands it to the PyTorch side.
    Console.WriteLine(Torch.Threads);
    return 0;
}

if (args.Contains("--quick"))
{
    return Quick.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(OverheadBenchmarks).Assembly).Run(args);
return 0;
