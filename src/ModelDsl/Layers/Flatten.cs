namespace ModelDsl;

/// <summary>Merges dimensions <see cref="StartDim"/>..<see cref="EndDim"/> into one (<c>nn.Flatten</c>: from 1, keeping the batch).</summary>
public sealed class Flatten(long startDim = 1, long endDim = -1) : Layer
{
    /// <summary>First merged dimension.</summary>
    public long StartDim { get; } = startDim;
    /// <summary>Last merged dimension.</summary>
    public long EndDim { get; } = endDim;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        try
        {
            return input.Flatten(StartDim, EndDim);
        }
        catch (TorchException e)
        {
            throw LayerError(e, input);
        }
    }
}
