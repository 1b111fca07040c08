using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// A module whose forward runs some of its convolutions straight into a batch norm, outside an <c>nn.Sequential</c>: a
/// generated block's members (its <c>conv1</c> then its <c>bn1</c>), where only the generator knows which follow which
/// with nothing else reading between them. <see cref="BatchNormFolding"/> folds these pairs as it does a Sequential's,
/// and fuses the activation a norm runs straight into where the module declares it (<see cref="NormActivations"/>).
/// </summary>
public interface IBatchNormPairs
{
    /// <summary>
    /// Each convolution whose output only its batch norm reads, with that norm: a <see cref="Conv2d"/>, or the
    /// <see cref="Int8Conv2d"/> an int8 variant holds in its place.
    /// </summary>
    IEnumerable<(nn.Module<Tensor, Tensor> Conv, BatchNorm2d Norm)> BatchNormPairs();

    /// <summary>
    /// Each norm of <see cref="BatchNormPairs"/> whose output only the activation after it reads, unchanged, with that
    /// activation (an <c>nn.ReLU</c> or <c>nn.ReLU6</c>; others are ignored): a folded pair then applies it in its
    /// convolution's kernel, and the activation passes the result through. None unless implemented.
    /// </summary>
    IEnumerable<(BatchNorm2d Norm, nn.Module<Tensor, Tensor> Activation)> NormActivations() => [];
}
