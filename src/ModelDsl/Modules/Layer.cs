namespace ModelDsl;

/// <summary>A module with one tensor in and one tensor out — the unit <see cref="Sequential"/> chains.</summary>
public abstract class Layer : Module
{
    /// <summary>Computes the layer's output. The caller owns the returned tensor.</summary>
    public abstract Tensor Forward(Tensor input);

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
