using System.Collections;
using System.Globalization;

namespace ModelDsl.Spec;

/// <summary>
/// An immutable array with structural (element-wise) equality and hash code, so that records
/// holding collections stay value-equatable — what an incremental generator needs to cache.
/// </summary>
/// <typeparam name="T">The element type; its own <see cref="object.Equals(object)"/> decides element equality.</typeparam>
public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
{
    // null stands for empty, so that default(EquatableArray<T>) is a valid empty array.
    private readonly T[]? items;

    /// <summary>Wraps a copy of <paramref name="items"/>.</summary>
    /// <param name="items">The elements, in order.</param>
    public EquatableArray(IEnumerable<T> items)
    {
        this.items = items.ToArray();
    }

    /// <summary>An empty array.</summary>
    public static EquatableArray<T> Empty => default;

    /// <summary>The number of elements.</summary>
    public int Count => items?.Length ?? 0;

    /// <summary>The element at <paramref name="index"/>.</summary>
    /// <param name="index">Zero-based position.</param>
    public T this[int index] => (items ?? throw new ArgumentOutOfRangeException(nameof(index)))[index];

    /// <summary>Wraps an array (copied, so later changes to it do not leak in).</summary>
    /// <param name="items">The elements, in order; null is empty.</param>
    public static implicit operator EquatableArray<T>(T[]? items) =>
        items is null ? default : new EquatableArray<T>(items);

    /// <summary>Element-wise equality.</summary>
    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

    /// <summary>Element-wise inequality.</summary>
    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(EquatableArray<T> other)
    {
        if (Count != other.Count)
        {
            return false;
        }

        var comparer = EqualityComparer<T>.Default;
        for (var i = 0; i < Count; i++)
        {
            if (!comparer.Equals(items![i], other.items![i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        // System.HashCode is not in netstandard2.0; this is the usual 31-multiplier combine.
        unchecked
        {
            var hash = 17;
            if (items is not null)
            {
                var comparer = EqualityComparer<T>.Default;
                foreach (var item in items)
                {
                    hash = (hash * 31) + (item is null ? 0 : comparer.GetHashCode(item));
                }
            }

            return hash;
        }
    }

    /// <summary>The elements as a new array.</summary>
    public T[] ToArray() => items is null ? Array.Empty<T>() : (T[])items.Clone();

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(items ?? Array.Empty<T>())).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The elements, comma separated, in brackets (for messages and debugging).</summary>
    public override string ToString() =>
        "[" + string.Join(", ", this.Select(x => x is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : x?.ToString())) + "]";
}

/// <summary>Factory helpers for <see cref="EquatableArray{T}"/>.</summary>
public static class EquatableArray
{
    /// <summary>Creates an array from the given elements.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="items">The elements, in order.</param>
    public static EquatableArray<T> Create<T>(params T[] items) => items;

    /// <summary>Creates an array from a sequence.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="items">The elements, in order.</param>
    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items) => new(items);
}
