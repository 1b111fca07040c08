namespace ModelDsl;

/// <summary>
/// Batch normalization over the channel dimension (dim 1), shared by <see cref="BatchNorm1d"/> and
/// <see cref="BatchNorm2d"/>. Training normalises with batch statistics and updates the running ones
/// (momentum, or a cumulative average when momentum is null); evaluation uses the running statistics.
/// </summary>
public abstract class BatchNorm : Layer
{
    private protected BatchNorm(long numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats)
    {
        (NumFeatures, Eps, Momentum) = (numFeatures, eps, momentum);
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([numFeatures]));
            Bias = RegisterParameter("bias", Tensor.Zeros([numFeatures]));
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros([numFeatures]));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones([numFeatures]));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros([], DType.Int64));
        }
    }

    /// <summary>Channels.</summary>
    public long NumFeatures { get; }
    /// <summary>Added to the variance for stability.</summary>
    public double Eps { get; }
    /// <summary>Weight of the new batch in the running statistics; null for a cumulative average.</summary>
    public double? Momentum { get; }
    /// <summary>Scale γ, or null when not affine.</summary>
    public Tensor? Weight { get; }
    /// <summary>Shift β, or null when not affine.</summary>
    public Tensor? Bias { get; }
    /// <summary>Running mean, or null when statistics are not tracked.</summary>
    public Tensor? RunningMean { get; }
    /// <summary>Running (unbiased) variance, or null when statistics are not tracked.</summary>
    public Tensor? RunningVar { get; }
    /// <summary>Number of training batches seen (int64 scalar).</summary>
    public Tensor? NumBatchesTracked { get; }

    private protected abstract bool AcceptsRank(int rank);

    private protected abstract string ExpectedShape { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var shape = input.ShapeView;
        if (!AcceptsRank(shape.Length) || shape[1] != NumFeatures)
        {
            throw ShapeError(ExpectedShape, input);
        }
        var factor = Momentum ?? 0.0;
        var useBatchStats = Training || RunningMean is null;
        if (Training && NumBatchesTracked is not null)
        {
            NumBatchesTracked.Add_(1);
            if (Momentum is null)
            {
                factor = 1.0 / NumBatchesTracked.Item();
            }
        }
        try
        {
            return Functional.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, useBatchStats, factor, Eps);
        }
        catch (TorchException e)
        {
            throw LayerError(e, input);
        }
    }
}

/// <summary>Batch normalization of [N, C] or [N, C, L] input (<c>nn.BatchNorm1d</c>).</summary>
public sealed class BatchNorm1d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats)
{
    private protected override bool AcceptsRank(int rank) => rank is 2 or 3;

    private protected override string ExpectedShape => $"[N, {Invariant(NumFeatures)}] or [N, {Invariant(NumFeatures)}, L]";
}

/// <summary>Batch normalization of [N, C, H, W] input (<c>nn.BatchNorm2d</c>).</summary>
public sealed class BatchNorm2d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats)
{
    private protected override bool AcceptsRank(int rank) => rank == 4;

    private protected override string ExpectedShape => $"[N, {Invariant(NumFeatures)}, H, W]";
}
