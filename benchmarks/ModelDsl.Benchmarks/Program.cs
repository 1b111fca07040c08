using BenchmarkDotNet.Running;
using ModelDsl.Benchmarks;
using TorchSharp;

if (args.Contains("--threads-only"))
{
    // The intra-op thread count libtorch chooses by default here; overhead.sh hands it to the PyTorch side.
    Console.WriteLine(torch.get_num_threads());
    return 0;
}

if (args.Contains("--quick"))
{
    return Quick.Run(args);
}

if (args.Contains("--resnet"))
{
    return Allocator.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(OverheadBenchmarks).Assembly).Run(args);
return 0;
