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

    /// <summary>
    /// A new module from <paramref name="resourceName"/> with a weight packed by <paramref name="pack"/>, which returns
    /// the output channels it packed; the module is disposed if packing throws or packs other than
    /// <paramref name="channels"/> (<paramref name="layer"/> names the layer in that error).
    /// </summary>
    public static torch.jit.ScriptModule LoadPacked(string resourceName, Func<torch.jit.ScriptModule, long> pack, long channels, string layer)
    {
        var module = Load(resourceName);
        try
        {
            var packed = pack(module);
            return packed == channels
                ? module
                : throw new InvalidOperationException($"{layer}: the int8 kernel packed {packed} output channels, expected {channels}");
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    private static byte[] Read(string resourceName)
    {
        using var stream = typeof(EmbeddedModules).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"ModelDsl: the embedded resource {resourceName} is missing from {typeof(EmbeddedModules).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
