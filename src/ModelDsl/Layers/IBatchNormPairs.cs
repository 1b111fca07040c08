using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// A module whose forward runs some of its convolutions straight into a batch norm, outside an <c>nn.Sequential</c>: a
/// generated block's members (its <c>conv1</c> then its <c>bn1</c>), where only the generator knows which follow which
/// with nothing else reading between them. <see cref="BatchNormFolding"/> folds these pairs as it does a Sequential's.
/// </summary>
public interface IBatchNormPairs
{
    /// <summary>
    /// Each convolution whose output only its batch norm reads, with that norm: a <see cref="Conv2d"/>, or the
    /// <see cref="Int8Conv2d"/> an int8 variant holds in its place.
    /// </summary>
    IEnumerable<(nn.Module<Tensor, Tensor> Conv, BatchNorm2d Norm)> BatchNormPairs();
}
