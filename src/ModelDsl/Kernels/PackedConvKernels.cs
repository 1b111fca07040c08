using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// A folded convolution's weight reordered once into oneDNN's blocked layout, and the convolution with it:
/// PackedConvKernels.pt, written by packed_conv_kernels.py (next to this file) and embedded in this assembly. libtorch's
/// eager convolution reorders a dense weight at every call; for a large weight that copy is a measurable share of the
/// call, and prepacking is what PyTorch 2 does when it freezes a model for inference. The module holds no state, so one
/// instance serves every convolution of the process (TorchScript methods may run on several threads at once). Only the
/// methods the script declares are invoked here (invoking a missing one crashes the process), and the tests call each.
/// </summary>
internal static class PackedConvKernels
{
    internal const string ResourceName = "ModelDsl.PackedConvKernels.pt";

    /// <summary>pack(weight, stride h/w, padding h/w, dilation h/w, groups, input n/c/h/w) → oneDNN weight.</summary>
    internal const string Pack = "pack";

    /// <summary>conv(x, packed weight, bias, stride h/w, padding h/w, dilation h/w, groups) → float32.</summary>
    internal const string Conv = "conv";

    /// <summary>conv_relu(the arguments of <see cref="Conv"/>) → relu(conv), in one kernel.</summary>
    internal const string ConvRelu = "conv_relu";

    /// <summary>conv_hardtanh(the arguments of <see cref="Conv"/>, min, max) → clamp(conv, min, max), in one kernel.</summary>
    internal const string ConvHardtanh = "conv_hardtanh";

    /// <summary>
    /// Smaller convolutions are left to the eager one. The TorchScript call costs about 14 µs more than an eager
    /// <c>conv2d</c>: a packed call takes at least 22 µs here, while eager calls of 0.15–1 M multiply-adds take 8–20 µs.
    /// From 2.4 M on (34–36 µs eager) packing gains, 0.88–0.93× the time, and more within a whole forward, where each
    /// weight comes from memory (docs/benchmarks.md section 1; <c>ModelDsl.ZooSpeed --side prepack</c>).
    /// </summary>
    internal const long MinMultiplyAdds = 1L << 21;

    private static readonly Lazy<jit.ScriptModule> Module = new(() => EmbeddedModules.Load(ResourceName));

    /// <summary>The environment variable that turns prepacking off for the process when set to 0.</summary>
    internal const string Switch = "MODELDSL_PREPACK";

    // Cleared for the process when packing fails: a libtorch built without oneDNN (or with a oneDNN that cannot take
    // the weight) runs every convolution eagerly, as before. MODELDSL_PREPACK=0 does the same from the start.
    private static volatile bool available = Environment.GetEnvironmentVariable(Switch) != "0";

    /// <summary>
    /// Whether <paramref name="x"/> can go to the packed kernel of <paramref name="conv"/>, whose folded weight is
    /// <paramref name="weight"/>: a float32 CPU forward that records no gradient for x (the packed operator has no
    /// backward), enough multiply-adds to gain, and an input the convolution takes. Anything else (a wrong shape
    /// included, so that the eager convolution reports it as it always has) stays on the eager path.
    /// </summary>
    public static bool Fits(Conv2d conv, Tensor weight, Tensor x)
    {
        if (!available || x.dtype != ScalarType.Float32 || weight.dtype != ScalarType.Float32 ||
            x.device_type != DeviceType.CPU || weight.device_type != DeviceType.CPU || (x.requires_grad && is_grad_enabled()) ||
            conv.padding is not { Length: 2 } padding || conv.stride is not { Length: 2 } stride || conv.dilation is not { Length: 2 } dilation)
        {
            return false;
        }

        // Each shape read is a call into libtorch and a new array: once each.
        var input = x.shape;
        var kernel = weight.shape;
        // An empty image axis is an error of the eager convolution's ("only zero batch or zero channel inputs"), while
        // padding could still give the packed kernel a positive output size to fill with nothing.
        if (input.Length != 4 || input[1] != conv.in_channels || input[2] <= 0 || input[3] <= 0 || kernel.Length != 4)
        {
            return false;
        }

        var height = Output(input[2], kernel[2], stride[0], padding[0], dilation[0]);
        var width = Output(input[3], kernel[3], stride[1], padding[1], dilation[1]);
        // Every output element of the batch sums over in/groups · kh · kw products.
        return height > 0 && width > 0 && input[0] * height * width * kernel[0] * kernel[1] * kernel[2] * kernel[3] >= MinMultiplyAdds;
    }

    /// <summary>
    /// <paramref name="weight"/> in oneDNN's layout for inputs shaped as <paramref name="x"/> (other shapes still give the
    /// right result, oneDNN reordering as it needs); null, and the eager path for the rest of the process, if libtorch
    /// cannot pack it.
    /// </summary>
    public static Tensor? TryPack(Conv2d conv, Tensor weight, Tensor x)
    {
        try
        {
            using var noGrad = no_grad();
            var packed = (Tensor)Module.Value.invoke(Pack, weight,
                conv.stride[0], conv.stride[1], conv.padding![0], conv.padding[1], conv.dilation[0], conv.dilation[1], conv.groups,
                x.shape[0], x.shape[1], x.shape[2], x.shape[3]);

            // The fold owns it: the first forward may run in the caller's dispose scope, which must not free it.
            return packed.DetachFromDisposeScope();
        }
        catch (ExternalException)
        {
            available = false;
            return null;
        }
    }

    /// <summary>
    /// <paramref name="conv"/>'s convolution of <paramref name="x"/> with its packed weight and <paramref name="bias"/>,
    /// then <paramref name="activation"/> (none, a ReLU or a ReLU6) in the same kernel.
    /// </summary>
    public static Tensor Convolve(Conv2d conv, Tensor x, Tensor packed, Tensor bias, FusedActivation activation)
    {
        var (stride, padding, dilation) = (conv.stride, conv.padding!, conv.dilation);
        object[] arguments = [x, packed, bias, stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1], conv.groups];
        return (Tensor)(activation switch
        {
            FusedActivation.ReLU => Module.Value.invoke(ConvRelu, arguments),
            FusedActivation.ReLU6 => Module.Value.invoke(ConvHardtanh, [.. arguments, 0.0, 6.0]),
            _ => Module.Value.invoke(Conv, arguments),
        });
    }

    // The output's size along one axis; 0 or less where the dilated kernel does not fit the padded input (the eager
    // convolution then reports it).
    private static long Output(long size, long kernel, long stride, long padding, long dilation)
    {
        var span = size + 2 * padding - dilation * (kernel - 1) - 1;
        return span < 0 || stride <= 0 ? 0 : span / stride + 1;
    }
}

/// <summary>The activation a folded convolution's kernel applies to its output (the one after its norm).</summary>
internal enum FusedActivation
{
    /// <summary>None: the convolution alone.</summary>
    None,

    /// <summary><c>nn.ReLU</c>.</summary>
    ReLU,

    /// <summary><c>nn.ReLU6</c>: clamped to [0, 6].</summary>
    ReLU6,
}
