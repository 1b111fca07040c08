namespace ModelDsl.Spec;

/// <summary>A per-sample tensor shape (batch excluded).</summary>
/// <param name="Dims">The dimensions, e.g. [64, 56, 56] or [197, 768].</param>
/// <param name="Vocabulary">Non-zero when the tensor holds token ids from a vocabulary of this size.</param>
public sealed record Shape(EquatableArray<int> Dims, int Vocabulary = 0)
{
    /// <summary>Number of dimensions.</summary>
    public int Rank => Dims.Count;

    /// <summary>Number of elements (product of <see cref="Dims"/>; 1 for a scalar).</summary>
    public long Elements
    {
        get
        {
            long n = 1;
            foreach (var d in Dims)
            {
                n *= d;
            }

            return n;
        }
    }

    /// <summary>The last dimension (features of a [T, D] sequence or an [F] vector).</summary>
    public int Last => Dims[Dims.Count - 1];

    /// <summary>Creates a shape from its dimensions.</summary>
    /// <param name="dims">The dimensions.</param>
    public static Shape Of(params int[] dims) => new(dims);

    /// <inheritdoc />
    public override string ToString() => Dims.ToString() + (Vocabulary > 0 ? " ids < " + Vocabulary.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty);
}
