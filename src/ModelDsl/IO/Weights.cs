using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Loading and saving a module's state dict as safetensors and PyTorch <c>.pt</c>/<c>.pth</c> files, through
/// TorchSharp.PyBridge, with the checks PyBridge leaves out:
/// <list type="bullet">
/// <item>a safetensors header is validated against the file (offsets in range, tiling the data exactly, shapes that
/// do not overflow, a bounded header) before any tensor is allocated;</item>
/// <item>files are read through a <see cref="FileStream"/>, never memory-mapped, so a file truncated by another process
/// while it is read gives an <see cref="EndOfStreamException"/> instead of SIGBUS;</item>
/// <item>keys, shapes and every source tensor's liveness are checked before the first weight is written, so a failed
/// load leaves the module as it was;</item>
/// <item>a file is written to a temporary name and renamed, from contiguous CPU copies of the tensors (PyBridge throws on
/// a non-contiguous tensor such as a channels-last weight after it has written the header, and its
/// <c>Safetensors.SaveStateDict(path, …)</c> opens an existing file without truncating it, so a failed or shorter write
/// would leave a broken file behind).</item>
/// </list>
/// </summary>
public static class Weights
{
    /// <summary>Reads every tensor of a safetensors file (CPU tensors, in name order) after validating its header.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file; nothing was allocated.</exception>
    /// <exception cref="EndOfStreamException">The file became shorter while it was read.</exception>
    public static Dictionary<string, Tensor> ReadSafeTensors(string path)
    {
        using var file = OpenRead(path);
        return ReadSafeTensors(file, path);
    }

    /// <summary>Reads a safetensors file from <paramref name="file"/> (seekable, positioned anywhere); <paramref name="path"/> names it in errors.</summary>
    internal static Dictionary<string, Tensor> ReadSafeTensors(Stream file, string path)
    {
        var header = SafeTensorsHeader.Read(file, path);
        var expectedLength = header.DataStart + header.Entries.Sum(e => e.End - e.Begin);
        file.Position = 0;
        // Tensors allocated before a read fails (the file shrank) are freed with the scope.
        using var scope = NewDisposeScope();
        var tensors = Safetensors.LoadStateDict(new ExactReadStream(file, path, expectedLength), leaveOpen: true);
        foreach (var tensor in tensors.Values)
        {
            tensor.MoveToOuterDisposeScope();
        }
        return tensors.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value);
    }

    /// <summary>
    /// Loads a safetensors file into <paramref name="module"/>. With <paramref name="strict"/>, the file's keys must be
    /// exactly the module's state-dict keys; in any mode every shared key must have the module's shape. Nothing is
    /// changed unless everything fits.
    /// </summary>
    /// <param name="module">The module to load into.</param>
    /// <param name="path">The safetensors file.</param>
    /// <param name="strict">Whether the keys must match exactly (missing and unexpected keys are errors).</param>
    /// <param name="ignore">
    /// File keys to leave out, as if the file did not have them (neither loaded nor unexpected), so a strict load can
    /// still check every other key: nanoGPT's <c>attn.bias</c> mask buffers from PyTorch before 2.0
    /// (<c>key =&gt; key.EndsWith(".attn.bias")</c>), a training framework's extra entries.
    /// </param>
    /// <exception cref="InvalidDataException">Malformed file (rejected before any tensor exists).</exception>
    /// <exception cref="StateDictMismatchException">Keys or shapes do not fit (checked against the header, before the data is read).</exception>
    public static void LoadSafeTensors(this nn.Module module, string path, bool strict = true, Func<string, bool>? ignore = null)
    {
        using var file = OpenRead(path);
        var header = SafeTensorsHeader.Read(file, path);
        Check(module.state_dict(), header.Entries.Where(e => ignore?.Invoke(e.Name) != true).ToDictionary(e => e.Name, e => e.Shape), strict, path);
        file.Position = 0;
        var tensors = ReadSafeTensors(file, path);
        try
        {
            module.LoadStateDictChecked(Without(tensors, ignore), strict, path);
        }
        finally
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>Writes <paramref name="module"/>'s state dict as a safetensors file (replacing <paramref name="path"/> atomically).</summary>
    public static void SaveSafeTensors(this nn.Module module, string path) => WriteSafeTensors(path, module.state_dict());

    /// <summary>Writes named tensors as a safetensors file (replacing <paramref name="path"/> atomically).</summary>
    public static void WriteSafeTensors(string path, IReadOnlyDictionary<string, Tensor> tensors) =>
        WriteReplacing(path, tensors, (stream, contiguous) => Safetensors.SaveStateDict(stream, contiguous, leaveOpen: true));

    /// <summary>Loads a PyTorch <c>torch.save(model.state_dict())</c> file (<c>.pt</c>/<c>.pth</c>) into <paramref name="module"/>, with the same checks as <see cref="LoadSafeTensors"/>.</summary>
    /// <param name="module">The module to load into.</param>
    /// <param name="path">The PyTorch file.</param>
    /// <param name="strict">Whether the keys must match exactly (missing and unexpected keys are errors).</param>
    /// <param name="ignore">File keys to leave out, as if the file did not have them (see <see cref="LoadSafeTensors"/>).</param>
    /// <exception cref="InvalidDataException">The file cannot be read as a state dict (damaged, truncated, not a state dict).</exception>
    /// <exception cref="StateDictMismatchException">Keys or shapes do not fit.</exception>
    public static void LoadPyTorch(this nn.Module module, string path, bool strict = true, Func<string, bool>? ignore = null)
    {
        Hashtable table;
        using (var file = OpenRead(path))
        using (var scope = NewDisposeScope())
        {
            PickleScan.CheckArchive(file, path);
            try
            {
                table = PyTorchUnpickler.UnpickleStateDict(file, leaveOpen: true);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A damaged file surfaces from the zip reader, the unpickler or the tensor reader as any of a dozen
                // exception types (InvalidCast, IndexOutOfRange, NotImplemented, Pickle, EndOfStream, …): one type here.
                throw new InvalidDataException($"{path}: not a readable PyTorch state dict ({e.GetType().Name}: {e.Message})", e);
            }
            foreach (DictionaryEntry entry in table)
            {
                (entry.Value as Tensor)?.MoveToOuterDisposeScope();
            }
        }
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (DictionaryEntry entry in table)
            {
                if (entry.Key is not string key || entry.Value is not Tensor tensor)
                {
                    throw new InvalidDataException($"{path}: not a state dict of tensors (entry {entry.Key} is a {entry.Value?.GetType().Name ?? "null"})");
                }
                tensors[key] = tensor;
            }
            module.LoadStateDictChecked(Without(tensors, ignore), strict, path);
        }
        finally
        {
            foreach (DictionaryEntry entry in table)
            {
                (entry.Value as Tensor)?.Dispose();
            }
        }
    }

    /// <summary>Writes <paramref name="module"/>'s state dict as a PyTorch file that <c>torch.load</c> reads (replacing <paramref name="path"/> atomically).</summary>
    public static void SavePyTorch(this nn.Module module, string path) =>
        WriteReplacing(path, module.state_dict(), (stream, tensors) => PyTorchPickler.PickleStateDict(stream, tensors, leaveOpen: true));

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="module"/>'s parameters and buffers (one floating-point type
    /// converted to another as by <c>copy_</c>), after checking that every source tensor is alive, every shared key has
    /// the module's shape and kind (floating point or not: a float tensor for an int8 weight is refused, as copying would
    /// truncate it) and, with <paramref name="strict"/>, that the keys match exactly. Nothing is changed unless all checks pass.
    /// </summary>
    /// <param name="module">The module to load into.</param>
    /// <param name="source">The tensors, by state-dict key.</param>
    /// <param name="strict">Whether the keys must match exactly (missing and unexpected keys are errors).</param>
    /// <param name="ignore">Source keys to leave out, as if <paramref name="source"/> did not have them (see <see cref="LoadSafeTensors"/>).</param>
    /// <exception cref="ObjectDisposedException">A source tensor was disposed.</exception>
    /// <exception cref="StateDictMismatchException">Keys or shapes do not fit.</exception>
    public static void LoadStateDictChecked(this nn.Module module, IReadOnlyDictionary<string, Tensor> source, bool strict = true, Func<string, bool>? ignore = null) =>
        module.LoadStateDictChecked(Without(source, ignore), strict, "the state dict");

    // The source without the keys `ignore` leaves out (the same dictionary when there is nothing to leave out).
    private static IReadOnlyDictionary<string, Tensor> Without(IReadOnlyDictionary<string, Tensor> source, Func<string, bool>? ignore) =>
        ignore is null ? source : source.Where(e => !ignore(e.Key)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    internal static void LoadStateDictChecked(this nn.Module module, IReadOnlyDictionary<string, Tensor> source, bool strict, string origin)
    {
        foreach (var (key, tensor) in source)
        {
            if (tensor is null || tensor.IsInvalid)
            {
                throw new ObjectDisposedException(key, $"{origin}: tensor '{key}' has been disposed; no weight was changed");
            }
        }
        var destination = module.state_dict();
        Check(destination, source.ToDictionary(e => e.Key, e => e.Value.shape), strict, origin);
        // copy_ converts any type to any other: floating point into an int8 weight truncates it to zeros, int8 values into
        // a float weight make weights of ±127. Only a floating-point type for another is a conversion.
        var misTyped = destination
            .Where(e => source.TryGetValue(e.Key, out var value) && value.is_floating_point() != e.Value.is_floating_point())
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => $"{e.Key}: expected {e.Value.dtype}, got {source[e.Key].dtype}")
            .ToList();
        if (misTyped.Count > 0)
        {
            throw new StateDictMismatchException(origin, [], [], [], misTyped);
        }
        using var noGrad = no_grad();
        foreach (var (key, target) in destination)
        {
            if (source.TryGetValue(key, out var value))
            {
                target.copy_(value);
            }
        }
        // Quantised layers keep a run-time form (a packed int8 matrix, a dequantised int4 weight) derived from what was just copied.
        QuantizedLayers.RefreshAll(module);
    }

    internal static void Check(Dictionary<string, Tensor> destination, Dictionary<string, long[]> source, bool strict, string origin)
    {
        var missing = strict ? destination.Keys.Where(k => !source.ContainsKey(k)).Order(StringComparer.Ordinal).ToList() : [];
        var unexpected = strict ? source.Keys.Where(k => !destination.ContainsKey(k)).Order(StringComparer.Ordinal).ToList() : [];
        var misShaped = destination
            .Where(e => source.TryGetValue(e.Key, out var shape) && !shape.SequenceEqual(e.Value.shape))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => $"{e.Key}: expected {LayerBase.FormatShape(e.Value.shape)}, got {LayerBase.FormatShape(source[e.Key])}")
            .ToList();
        if (missing.Count + unexpected.Count + misShaped.Count > 0)
        {
            throw new StateDictMismatchException(origin, missing, unexpected, misShaped);
        }
    }

    // No memory mapping: a mapped file that another process truncates kills the reader with SIGBUS.
    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);

    private static void WriteReplacing(string path, IReadOnlyDictionary<string, Tensor> source, Action<Stream, Dictionary<string, Tensor>> write)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        using var scope = NewDisposeScope();
        // Contiguous CPU copies: PyBridge's writers accept nothing else (a channels-last weight throws mid-file).
        foreach (var (key, tensor) in source)
        {
            if (tensor is null || tensor.IsInvalid)
            {
                throw new ObjectDisposedException(key, $"tensor '{key}' has been disposed; {path} was not written");
            }
        }
        var tensors = source.ToDictionary(e => e.Key, e => e.Value.detach().cpu().contiguous());
        foreach (var (key, tensor) in tensors)
        {
            if (!SafeTensorsDType.IsSupported(tensor.dtype))
            {
                throw new NotSupportedException($"{key}: dtype {tensor.dtype} cannot be saved");
            }
        }
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream, tensors);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
