using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// The compressed storage of an N:M-sparse weight, shared by <see cref="NMLinear"/> and <see cref="NMConv2d"/>: the weight
/// read as [out, R] (R = in · kh · kw / groups, its reduction dimension), in every group of M consecutive weights of a row
/// the N of largest |w| are kept (ties to the lower index, as <see cref="NMSparsity.Mask"/> chooses). Stored:
/// <c>weight_values</c> float32 [out, K] with K = R·N/M, the kept weights in row order, and <c>weight_indices</c> uint8
/// [out, ⌈K / P⌉], each kept weight's position in its group in B = ⌈log2 M⌉ bits, P = 8 / B positions per byte (the first
/// in the low bits), so 2:4 stores four positions per byte: 2R + R/8 bytes per output (0.531 of the 4R of float32).
/// </summary>
public static class NMWeights
{
    /// <summary>Bits of one position: ⌈log2 M⌉, at least 1.</summary>
    public static int IndexBits(int m)
    {
        var bits = 1;
        while ((1 << bits) < m)
        {
            bits++;
        }
        return bits;
    }

    /// <summary>Positions per index byte.</summary>
    public static int IndexesPerByte(int m) => 8 / IndexBits(m);

    /// <summary>Kept weights per output row: R·N/M.</summary>
    public static long Kept(long reduction, int n, int m) => reduction / m * n;

    /// <summary>Index bytes per output row.</summary>
    public static long IndexBytes(long reduction, int n, int m) => (Kept(reduction, n, m) + IndexesPerByte(m) - 1) / IndexesPerByte(m);

    /// <summary>Checks a pattern and a reduction dimension; the message names the layer.</summary>
    internal static void Check(string layer, long reduction, int n, int m)
    {
        if (n < 1 || n >= m || m > 256)
        {
            throw new ArgumentException($"{layer}: an N:M pattern needs 1 <= N < M <= 256, got {n}:{m}");
        }
        if (reduction < 1 || reduction % m != 0)
        {
            throw new ArgumentException($"{layer}: M = {m} does not divide the reduction dimension {reduction}");
        }
    }

    /// <summary>The values [out, K] and packed positions [out, ⌈K/P⌉] of the N largest |w| of every group of <paramref name="m"/> in <paramref name="weight"/> read as [out, R].</summary>
    public static (Tensor Values, Tensor Indices) Compress(Tensor weight, int n, int m)
    {
        ArgumentNullException.ThrowIfNull(weight);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = weight.shape[0];
        var w = weight.detach().to(ScalarType.Float32).reshape(rows, -1, m);
        var mask = NMSparsity.GroupMask(w.cpu(), n, m).to(w.device);
        // The kept positions in ascending order: kept entries rank by 2M − position, pruned ones below every kept one.
        var order = arange(m, dtype: ScalarType.Int64, device: w.device);
        var key = mask.to(ScalarType.Int64).mul(2 * m).sub(order);
        var (_, positions) = key.topk(n, dim: 2, largest: true, sorted: true);
        var values = w.gather(2, positions).reshape(rows, -1);
        return (values.MoveToOuterDisposeScope(), Pack(positions.reshape(rows, -1), m).MoveToOuterDisposeScope());
    }

    /// <summary>The dense float32 weight [out, R] of stored values and positions (zeros where nothing is kept).</summary>
    public static Tensor Decompress(Tensor values, Tensor indices, long reduction, int n, int m)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(indices);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = values.shape[0];
        var kept = values.shape[1];
        var positions = Unpack(indices, kept, m).reshape(rows, -1, n);
        if (positions.ge(m).any().item<bool>())
        {
            throw new ArgumentException($"an N:M index is {m} or more: the stored indices do not hold a {n}:{m} pattern");
        }
        var groups = positions.shape[1];
        var offsets = arange(groups, dtype: ScalarType.Int64, device: values.device).mul(m).view(1, groups, 1);
        var columns = positions.add(offsets).reshape(rows, kept);
        var dense = zeros([rows, reduction], dtype: values.dtype, device: values.device);
        dense.scatter_(1, columns, values);
        return dense.MoveToOuterDisposeScope();
    }

    /// <summary>Packs positions [out, K] (each below <paramref name="m"/>) <see cref="IndexesPerByte"/> to a byte, the first in the low bits.</summary>
    public static Tensor Pack(Tensor positions, int m)
    {
        using var scope = NewDisposeScope();
        var (bits, perByte) = (IndexBits(m), IndexesPerByte(m));
        var rows = positions.shape[0];
        var kept = positions.shape[1];
        var padded = nn.functional.pad(positions.to(ScalarType.Int64), [0, (perByte - (kept % perByte)) % perByte]);
        var shifts = tensor(Enumerable.Range(0, perByte).Select(j => 1L << (j * bits)).ToArray(), device: positions.device);
        var bytes = padded.view(rows, -1, perByte).mul(shifts).sum(2);
        return bytes.to(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    /// <summary>The first <paramref name="kept"/> positions of each row of packed <paramref name="indices"/> (int64 [out, kept]).</summary>
    public static Tensor Unpack(Tensor indices, long kept, int m)
    {
        using var scope = NewDisposeScope();
        var (bits, perByte) = (IndexBits(m), IndexesPerByte(m));
        var bytes = indices.to(ScalarType.Int64);
        var fields = Enumerable.Range(0, perByte).Select(j => bytes.bitwise_right_shift(j * bits).bitwise_and((1 << bits) - 1)).ToArray();
        var positions = stack(fields, 2).view(indices.shape[0], -1).narrow(1, 0, kept);
        return positions.MoveToOuterDisposeScope();
    }

    /// <summary>The packed positions of the first N positions of every group: a valid pattern for a zero weight.</summary>
    internal static Tensor FirstPositions(long rows, long reduction, int n, int m)
    {
        using var scope = NewDisposeScope();
        var groups = reduction / m;
        var positions = arange(n, dtype: ScalarType.Int64).repeat(rows, groups);
        return Pack(positions, m).MoveToOuterDisposeScope();
    }
}
