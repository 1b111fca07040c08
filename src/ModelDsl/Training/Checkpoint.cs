using System.Security.Cryptography;
using System.Text;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// A training checkpoint: the module's state dict, the optimizer's state (TorchSharp's own serialisation of moments,
/// step counts and options), the CPU random generator's state and the step, in one safetensors file with a SHA-256 of
/// its contents. Resuming from it continues exactly as uninterrupted training would (same weights, bit for bit, given
/// the same batches). A file that is truncated, corrupt, or from another model or optimizer is rejected before
/// anything changes: the header is validated by <see cref="Weights.ReadSafeTensors(string)"/>, the checksum over every
/// byte of data, the keys and shapes against the module, the optimizer type against the optimizer.
/// </summary>
public static class Checkpoint
{
    private const string ModelPrefix = "model.";
    private const string OptimizerKey = "optimizer.state";
    private const string OptimizerTypeKey = "optimizer.type";
    private const string RandomKey = "random.cpu";
    private const string StepKey = "step";
    private const string ChecksumKey = "sha256";

    /// <summary>Writes a checkpoint of <paramref name="module"/> and <paramref name="optimizer"/> after <paramref name="step"/> steps (replacing <paramref name="path"/> atomically).</summary>
    public static void Save(string path, nn.Module module, OptimizerHelper optimizer, long step)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(optimizer);
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, value) in module.state_dict())
        {
            tensors[ModelPrefix + key] = value.detach().cpu().contiguous();
        }
        using (var buffer = new MemoryStream())
        {
            using (ContiguousOptimizerState.ForSave(optimizer))
            using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            {
                optimizer.save_state_dict(writer);
            }
            tensors[OptimizerKey] = Bytes(buffer.ToArray());
        }
        tensors[OptimizerTypeKey] = Bytes(Encoding.UTF8.GetBytes(optimizer.GetType().FullName!));
        tensors[RandomKey] = random.get_rng_state();
        tensors[StepKey] = tensor(new[] { step });
        tensors[ChecksumKey] = Bytes(Checksum(tensors));
        Weights.WriteSafeTensors(path, tensors);
    }

    /// <summary>
    /// Restores <paramref name="module"/>, <paramref name="optimizer"/> and the CPU random generator from a checkpoint and
    /// returns its step. Every check runs before anything is written; if one fails, the weights, the optimizer state
    /// and the generator are as they were.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt, not a checkpoint, or from another optimizer type (the message says which and names the file).</exception>
    /// <exception cref="StateDictMismatchException">The checkpoint's model has other keys or shapes than <paramref name="module"/>.</exception>
    public static long Load(string path, nn.Module module, OptimizerHelper optimizer)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(optimizer);
        Dictionary<string, Tensor> tensors;
        try
        {
            tensors = Weights.ReadSafeTensors(path);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: the checkpoint became shorter while it was read; nothing was changed", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a readable checkpoint ({e.Message}); nothing was changed", e);
        }
        using var scope = NewDisposeScope();
        foreach (var value in tensors.Values)
        {
            value.MoveToOuterDisposeScope();
        }
        try
        {
            return Restore(path, tensors, module, optimizer);
        }
        finally
        {
            foreach (var value in tensors.Values)
            {
                value.Dispose();
            }
        }
    }

    private static long Restore(string path, Dictionary<string, Tensor> tensors, nn.Module module, OptimizerHelper optimizer)
    {
        foreach (var key in new[] { ChecksumKey, OptimizerKey, OptimizerTypeKey, RandomKey, StepKey })
        {
            if (!tensors.ContainsKey(key))
            {
                throw new InvalidDataException($"{path}: not a checkpoint (no '{key}' entry); nothing was changed");
            }
        }
        var stored = tensors[ChecksumKey];
        if (stored.dtype != ScalarType.Byte || !Checksum(tensors).AsSpan().SequenceEqual(stored.bytes))
        {
            throw new InvalidDataException($"{path}: the checkpoint is corrupt (its SHA-256 does not match its contents); nothing was changed");
        }
        var optimizerType = Encoding.UTF8.GetString(tensors[OptimizerTypeKey].bytes);
        if (optimizerType != optimizer.GetType().FullName)
        {
            throw new InvalidDataException($"{path}: the checkpoint holds the state of a {optimizerType}, not of a {optimizer.GetType().FullName}; nothing was changed");
        }
        if (tensors[StepKey] is not { dtype: ScalarType.Int64 } stepTensor || stepTensor.numel() != 1)
        {
            throw new InvalidDataException($"{path}: the checkpoint's step is not one int64; nothing was changed");
        }
        var modelState = tensors.Where(e => e.Key.StartsWith(ModelPrefix, StringComparison.Ordinal))
            .ToDictionary(e => e.Key[ModelPrefix.Length..], e => e.Value, StringComparer.Ordinal);
        Weights.Check(module.state_dict(), modelState.ToDictionary(e => e.Key, e => e.Value.shape), strict: true, path);

        // The optimizer reads its state field by field and may fail part-way: its current state is kept to put back.
        // Channels-last state is read and written through contiguous copies (ContiguousOptimizerState says why).
        using var contiguous = ContiguousOptimizerState.ForLoad(optimizer);
        using var previous = new MemoryStream();
        using (var writer = new BinaryWriter(previous, Encoding.UTF8, leaveOpen: true))
        {
            optimizer.save_state_dict(writer);
        }
        try
        {
            using var reader = new BinaryReader(new MemoryStream(tensors[OptimizerKey].bytes.ToArray()), Encoding.UTF8);
            optimizer.load_state_dict(reader);
            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                throw new InvalidDataException("the optimizer state has bytes left over");
            }
            module.LoadStateDictChecked(modelState, strict: true, path);
            random.set_rng_state(tensors[RandomKey]);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            previous.Position = 0;
            using (var reader = new BinaryReader(previous, Encoding.UTF8, leaveOpen: true))
            {
                optimizer.load_state_dict(reader);
            }
            if (e is StateDictMismatchException)
            {
                throw;
            }
            throw new InvalidDataException($"{path}: the checkpoint does not fit this optimizer ({e.Message}); nothing was changed", e);
        }
        return stepTensor.item<long>();
    }

    private static Tensor Bytes(byte[] bytes) => tensor(bytes, dtype: ScalarType.Byte);

    // Over every entry but the checksum, in name order: its name, dtype, shape and bytes.
    private static byte[] Checksum(IReadOnlyDictionary<string, Tensor> tensors)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (key, value) in tensors.Where(e => e.Key != ChecksumKey).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{key}\0{value.dtype}\0{string.Join(',', value.shape)}\0"));
            using var contiguous = value.contiguous();
            hash.AppendData(contiguous.bytes);
        }
        return hash.GetHashAndReset();
    }
}
