using static TorchSharp.torch;

namespace ModelDsl.Zoo.Tests;

/// <summary>What the tests read off a TorchSharp module.</summary>
internal static class Modules
{
    /// <summary>The number of parameters <c>parameters()</c> yields (a tied tensor once), as PyTorch's <c>sum(p.numel() for p in m.parameters())</c>.</summary>
    public static long ParameterCount(this nn.Module module) => module.parameters().Sum(p => p.numel());

    /// <summary>"key [d0, d1] P" (parameter) or "… B" (buffer) for every state-dict entry, sorted: the format of StateDicts/*.txt.</summary>
    public static List<string> StateDictLines(this nn.Module module)
    {
        var parameters = module.named_parameters().Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        return module.state_dict()
            .Select(e => $"{e.Key} {LayerBase.FormatShape(e.Value.shape)} {(parameters.Contains(e.Key) ? "P" : "B")}")
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>A seeded standard-normal input, the same on every run.</summary>
    public static Tensor SeededRandn(ulong seed, params long[] shape)
    {
        using var generator = new Generator(seed);
        return randn(shape, generator: generator);
    }
}
