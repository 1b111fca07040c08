using System.Globalization;

namespace ModelDsl;

/// <summary>
/// Size arithmetic for generated block constructors: a block's expressions divide exactly (<c>"(kernel - 1) / 2"</c>),
/// as the DSL's own evaluation does, so a size is never silently rounded when a block is built by hand.
/// </summary>
public static class Sizes
{
    /// <summary><paramref name="dividend"/> / <paramref name="divisor"/>, which must be a whole number.</summary>
    /// <exception cref="ArgumentException">The divisor is zero or does not divide the dividend.</exception>
    public static long Divide(long dividend, long divisor)
    {
        if (divisor == 0 || dividend % divisor != 0)
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"{dividend} / {divisor} is not a whole number; a block's sizes must divide exactly (check the block's arguments)"));
        }

        return dividend / divisor;
    }
}
