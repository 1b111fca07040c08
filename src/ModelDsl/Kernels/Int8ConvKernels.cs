using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// The TorchScript module <see cref="Int8Conv2d"/> computes with once calibrated: Int8ConvKernels.pt, written by
/// int8_conv_kernels.py (next to this file) with Debian's PyTorch 1.13 and embedded in this assembly, so users need no
/// PyTorch. libtorch's int8 convolutions are <c>quantized::</c> operators, which a <c>torch.jit.compile</c> script
/// cannot name (the attempt aborts the process); a module saved by PyTorch carries the calls and libtorch loads it.
/// One instance per layer holds that layer's packed weight. Only the methods the script declares are invoked here
/// (invoking a missing one crashes the process), and the tests call each of them.
/// </summary>
internal static class Int8ConvKernels
{
    internal const string ResourceName = "ModelDsl.Int8ConvKernels.pt";

    /// <summary>pack(weight int8, scales float32, bias float32, stride, padding, dilation, groups) → output channels.</summary>
    internal const string Pack = "pack";

    /// <summary>conv(x float32, input scale, input zero point, output scale, output zero point) → float32.</summary>
    internal const string Conv = "conv";

    /// <summary>A new module, with no weight packed yet.</summary>
    internal static jit.ScriptModule Load() => EmbeddedModules.Load(ResourceName);
}
