namespace ModelDsl;

/// <summary>
/// One entry of a tensor indexer: an integer (selects and drops the dimension), a C# range
/// (<c>1..3</c>, <c>^2..</c>, <c>..</c>), a stepped slice, <see cref="Ellipsis"/> or <see cref="NewAxis"/>.
/// <c>x[.., 0]</c> is PyTorch's <c>x[:, 0]</c>; <c>x[TensorIndex.Ellipsis, 1..]</c> is <c>x[..., 1:]</c>.
/// </summary>
public readonly struct TensorIndex
{
    internal enum IndexKind { Single, Slice, Ellipsis, NewAxis }

    internal IndexKind Kind { get; }
    internal Index Start { get; }
    internal Index End { get; }
    internal long Step { get; }

    private TensorIndex(IndexKind kind, Index start, Index end, long step)
    {
        Kind = kind;
        Start = start;
        End = end;
        Step = step;
    }

    /// <summary>Stands for as many full slices as needed (Python's <c>...</c>).</summary>
    public static TensorIndex Ellipsis => new(IndexKind.Ellipsis, default, default, 1);

    /// <summary>Inserts a dimension of size 1 (Python's <c>None</c>).</summary>
    public static TensorIndex NewAxis => new(IndexKind.NewAxis, default, default, 1);

    /// <summary>Elements of <paramref name="range"/> taking every <paramref name="step"/>-th (Python's <c>a:b:step</c>).</summary>
    public static TensorIndex Slice(Range range, long step)
    {
        if (step <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "slice step must be positive");
        }
        return new(IndexKind.Slice, range.Start, range.End, step);
    }

    /// <summary>Selects one position; negative values count from the end.</summary>
    public static implicit operator TensorIndex(long index) =>
        new(IndexKind.Single, index < 0 ? new Index((int)-index, fromEnd: true) : new Index((int)index), default, 1);

    /// <summary>Selects one position; negative values count from the end.</summary>
    public static implicit operator TensorIndex(int index) => (long)index;

    /// <summary>Selects one position counted from the start or (<c>^1</c>) from the end.</summary>
    public static implicit operator TensorIndex(Index index) => new(IndexKind.Single, index, default, 1);

    /// <summary>A slice.</summary>
    public static implicit operator TensorIndex(Range range) => new(IndexKind.Slice, range.Start, range.End, 1);
}

public sealed partial class Tensor
{
    /// <summary>PyTorch-style basic indexing: integers, ranges, stepped slices, ellipsis and new axes.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[params TensorIndex[] indices]
    {
        get
        {
            var sizes = ShapeView;
            var consumed = indices.Count(i => i.Kind is TensorIndex.IndexKind.Single or TensorIndex.IndexKind.Slice);
            if (consumed > sizes.Length)
            {
                throw new IndexOutOfRangeException($"{consumed} indices for a tensor of shape {FormatShape(sizes)}");
            }
            if (indices.Count(i => i.Kind == TensorIndex.IndexKind.Ellipsis) > 1)
            {
                throw new ArgumentException("an index can have only one ellipsis");
            }

            using var scope = Torch.NewDisposeScope();
            var result = this;
            var dim = 0L;
            var source = 0;
            foreach (var index in indices)
            {
                switch (index.Kind)
                {
                    case TensorIndex.IndexKind.Ellipsis:
                        var skipped = sizes.Length - consumed;
                        dim += skipped;
                        source += skipped;
                        break;
                    case TensorIndex.IndexKind.NewAxis:
                        result = result.Unsqueeze(dim);
                        dim++;
                        break;
                    case TensorIndex.IndexKind.Single:
                        var size = sizes[source];
                        var at = index.Start.IsFromEnd ? size - index.Start.Value : index.Start.Value;
                        if (at < 0 || at >= size)
                        {
                            throw new IndexOutOfRangeException($"index {(index.Start.IsFromEnd ? "^" : "")}{index.Start.Value} is out of range for dimension {source} of size {size} (shape {FormatShape(sizes)})");
                        }
                        result = result.Select(dim, at);
                        source++;
                        break;
                    default:
                        var length = sizes[source];
                        long Resolve(Index i) => Math.Clamp(i.IsFromEnd ? length - i.Value : i.Value, 0, length);
                        result = result.Slice(dim, Resolve(index.Start), Resolve(index.End), index.Step);
                        dim++;
                        source++;
                        break;
                }
            }
            // Always hand back a new handle the caller owns, even for x[..].
            return scope.MoveToOuter(ReferenceEquals(result, this) ? View(sizes) : result);
        }
    }
}
