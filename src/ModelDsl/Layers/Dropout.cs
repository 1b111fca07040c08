namespace ModelDsl;

/// <summary>Zeroes each element with probability <see cref="P"/> while training and scales the rest by 1/(1−p) (<c>nn.Dropout</c>); identity in evaluation.</summary>
public sealed class Dropout : Layer
{
    /// <summary>Creates the layer.</summary>
    public Dropout(double p = 0.5)
    {
        if (p is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
        }
        P = p;
    }

    /// <summary>Probability of zeroing an element.</summary>
    public double P { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        Training && P > 0 ? Functional.Dropout(input, P, training: true) : input.Alias();
}
