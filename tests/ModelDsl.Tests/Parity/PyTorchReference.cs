using ModelDsl;

namespace ModelDsl.Tests.Parity;

/// <summary>
/// Runs layer_reference.py once (Debian's python3-torch, same libtorch) and holds what it computed.
/// Shared by the parity test classes through xunit's collection fixture.
/// </summary>
public sealed class PyTorchReference : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("modeldsl-parity-").FullName;
    private readonly Dictionary<string, Tensor> tensors;

    public PyTorchReference()
    {
        var file = System.IO.Path.Combine(directory, "reference.safetensors");
        Python.Run("layer_reference.py", file);
        tensors = SafeTensors.Load(file).ToDictionary(e => e.Key, e => e.Value);
    }

    public Tensor this[string key] =>
        tensors.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"the PyTorch reference has no tensor '{key}'");

    public bool Contains(string key) => tensors.ContainsKey(key);

    /// <summary>The entries under "<paramref name="prefix"/>", with the prefix removed from their names.</summary>
    public List<KeyValuePair<string, Tensor>> WithPrefix(string prefix) =>
        tensors.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(e => new KeyValuePair<string, Tensor>(e.Key[prefix.Length..], e.Value))
            .ToList();

    public void Dispose()
    {
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }
        Directory.Delete(directory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class PyTorchReferenceCollection : ICollectionFixture<PyTorchReference>
{
    public const string Name = "PyTorch reference";
}
