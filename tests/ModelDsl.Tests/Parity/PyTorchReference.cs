using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ModelDsl.Tests.Parity;

/// <summary>Runs torchsharp_reference.py once (Debian's PyTorch 1.13) and holds what it computed; shared through a collection fixture.</summary>
public sealed class PyTorchReference : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("modeldsl-ts-parity-").FullName;
    private readonly Dictionary<string, Tensor> tensors;

    public PyTorchReference()
    {
        var file = Path.Combine(directory, "reference.safetensors");
        Python.Run("torchsharp_reference.py", file);
        tensors = Safetensors.LoadStateDict(file);
        foreach (var t in tensors.Values)
        {
            t.DetachFromDisposeScope();
        }
    }

    public Tensor this[string key] =>
        tensors.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"the PyTorch reference has no tensor '{key}'");

    public bool Contains(string key) => tensors.ContainsKey(key);

    /// <summary>The entries under "<paramref name="prefix"/>", the prefix removed from their names.</summary>
    public Dictionary<string, Tensor> WithPrefix(string prefix) =>
        tensors.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(e => e.Key[prefix.Length..], e => e.Value);

    public void Dispose()
    {
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }
        Directory.Delete(directory, recursive: true);
    }
}

// Runs alone: its initialisation tests seed libtorch's one global generator and then draw a layer's default weights from
// it, which a test of another class drawing from it meanwhile (any nn.Linear it builds) would change — it did, once in
// CI, 13 values into a PositionEmbedding.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PyTorchReferenceCollection : ICollectionFixture<PyTorchReference>
{
    public const string Name = "PyTorch reference";
}
