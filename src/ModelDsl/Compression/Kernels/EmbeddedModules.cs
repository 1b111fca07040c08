using System.Collections.Concurrent;
using TorchSharp;

namespace ModelDsl;

/// <summary>
/// The TorchScript modules embedded in this assembly (<see cref="Int8ConvKernels"/>, <see cref="Int8LinearKernels"/>):
/// each file's bytes are read once, and every layer loads its own module from them (libtorch parses them from memory,
/// no temporary file), since a module holds that layer's packed weight.
/// </summary>
internal static class EmbeddedModules
{
    private static readonly ConcurrentDictionary<string, byte[]> Bytes = new(StringComparer.Ordinal);

    /// <summary>A new module from the embedded resource <paramref name="resourceName"/>.</summary>
    public static torch.jit.ScriptModule Load(string resourceName) => torch.jit.load(Bytes.GetOrAdd(resourceName, Read));

    private static byte[] Read(string resourceName)
    {
        using var stream = typeof(EmbeddedModules).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"ModelDsl: the embedded resource {resourceName} is missing from {typeof(EmbeddedModules).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
