namespace ModelDsl;

/// <summary>A module with one tensor in and one tensor out — the unit <see cref="Sequential"/> chains.</summary>
public abstract class Layer : Module
{
    /// <summary>Computes the layer's output. The caller owns the returned tensor.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>
    /// Runs <paramref name="next"/> on <paramref name="x"/>, an intermediate the caller owns, and frees
    /// <paramref name="x"/> at once: generated <c>Forward</c> methods chain their layers with it, so a forward pass holds
    /// only the tensors still needed (as PyTorch's reference counting does) instead of every intermediate until it returns.
    /// </summary>
    protected static Tensor Then(Layer next, Tensor x)
    {
        var y = next.Forward(x);
        x.Dispose();
        return y;
    }

    /// <summary>
    /// <paramref name="x"/> + <paramref name="shortcut"/> for a residual connection, freeing <paramref name="x"/> and, when
    /// <paramref name="disposeShortcut"/>, the shortcut (a saved intermediate or a projection's output, not the caller's input).
    /// </summary>
    protected static Tensor AddResidual(Tensor x, Tensor shortcut, bool disposeShortcut)
    {
        var sum = x + shortcut;
        x.Dispose();
        if (disposeShortcut)
        {
            shortcut.Dispose();
        }

        return sum;
    }

    /// <summary>Throws a shape error naming this layer unless the input ends with <paramref name="trailing"/>.</summary>
    private protected void RequireTrailing(Tensor input, long[] trailing)
    {
        var shape = input.ShapeView;
        if (shape.Length < trailing.Length || !shape.AsSpan(shape.Length - trailing.Length).SequenceEqual(trailing))
        {
            throw ShapeError($"[*, {string.Join(", ", trailing.Select(Invariant))}]", input);
        }
    }

    /// <summary>Throws a shape error naming this layer unless the input is an image batch [N, C, H, W] or one image [C, H, W].</summary>
    private protected void RequireImage(Tensor input)
    {
        if (input.ShapeView.Length is not (3 or 4))
        {
            throw ShapeError("[N, C, H, W]", input);
        }
    }
}
