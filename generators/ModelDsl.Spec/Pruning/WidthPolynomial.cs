namespace ModelDsl.Spec;

/// <summary>
/// The arithmetic of a model's cost and channel counts as functions of how many channels each width loses: shared, as
/// source, by the compile-time structure (ModelDsl.Spec, which fits it) and the run-time one (the runtime, which plans
/// with it), so the plan evaluates exactly what the generator checked.
/// </summary>
internal static class WidthPolynomial
{
    /// <summary>
    /// <paramref name="constant"/> + Σᵢ linearᵢ·rᵢ + Σᵢ≤ⱼ quadraticᵢⱼ·rᵢ·rⱼ over the channels removed per width,
    /// with the quadratic coefficients in the order (0,0), (0,1) … (0,n−1), (1,1) …; checked: a figure beyond 64 bits throws.
    /// </summary>
    public static long Evaluate(long constant, IReadOnlyList<long> linear, IReadOnlyList<long> quadratic, Func<int, long> removed)
    {
        var total = constant;
        var k = 0;
        for (var i = 0; i < linear.Count; i++)
        {
            total = checked(total + (linear[i] * removed(i)));
            for (var j = i; j < linear.Count; j++)
            {
                total = checked(total + (quadratic[k++] * removed(i) * removed(j)));
            }
        }

        return total;
    }

    /// <summary>Whether a residual's input and output channels stay different when each width loses <paramref name="removed"/> channels.</summary>
    public static bool StayApart(long input, IReadOnlyList<long> inputLoss, long output, IReadOnlyList<long> outputLoss, int widths, Func<int, long> removed)
    {
        for (var i = 0; i < widths; i++)
        {
            input -= inputLoss[i] * removed(i);
            output -= outputLoss[i] * removed(i);
        }

        return input != output;
    }
}
