namespace ModelDsl;

/// <summary>A lookup table of <see cref="NumEmbeddings"/> vectors (<c>nn.Embedding</c>), indexed by int64 tensors.</summary>
public sealed class Embedding : Layer
{
    /// <summary>Creates the table with N(0, 1) rows; the padding row, if any, is zero.</summary>
    public Embedding(long numEmbeddings, long embeddingDim, long? paddingIdx = null)
    {
        if (paddingIdx is { } p && (p < -numEmbeddings || p >= numEmbeddings))
        {
            throw new ArgumentOutOfRangeException(nameof(paddingIdx), paddingIdx, $"padding index must be within the {numEmbeddings} embeddings");
        }
        (NumEmbeddings, EmbeddingDim) = (numEmbeddings, embeddingDim);
        PaddingIdx = paddingIdx is { } q && q < 0 ? q + numEmbeddings : paddingIdx;
        Weight = RegisterParameter("weight", Tensor.Empty([numEmbeddings, embeddingDim]));
        Init.Normal(Weight);
        if (PaddingIdx is { } row)
        {
            using var noGrad = Torch.NoGrad();
            using var padding = Weight.Select(0, row);
            padding.Zero_();
        }
    }

    /// <summary>Rows in the table.</summary>
    public long NumEmbeddings { get; }
    /// <summary>Width of each row.</summary>
    public long EmbeddingDim { get; }
    /// <summary>The row that gets no gradient, or null.</summary>
    public long? PaddingIdx { get; }
    /// <summary>[num_embeddings, embedding_dim].</summary>
    public Tensor Weight { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        if (input.DType is not (DType.Int64 or DType.Int32))
        {
            throw new TorchException($"Embedding '{Path}' expects int64 or int32 indices, got {input.DType} of shape {Tensor.FormatShape(input.ShapeView)}");
        }
        try
        {
            return Functional.Embedding(input, Weight, PaddingIdx ?? -1);
        }
        catch (TorchException e)
        {
            throw LayerError(e, input);
        }
    }
}
