using TorchSharp;
using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// Channels-last (NHWC) memory layout, which TorchSharp 0.107 cannot ask for: it has no <c>memory_format</c> on
/// <c>contiguous</c>, <c>to</c> or modules. A TorchScript function compiled once calls
/// <c>x.contiguous(memory_format=2)</c> (2 is <c>c10::MemoryFormat::ChannelsLast</c>; the name
/// <c>torch.channels_last</c> is not accepted by TorchSharp's script compiler and a compile error aborts the process,
/// so the script is a fixed, tested string).
/// </summary>
public static class ChannelsLast
{
    // TorchScript's parser wants the body to end with a newline.
    private const string Script = "def channels_last(x: Tensor) -> Tensor:\n    return x.contiguous(memory_format=2)\n";

    private static readonly Lazy<jit.CompilationUnit> Unit = new(() => jit.compile(Script));

    /// <summary>
    /// The 4-d tensor <paramref name="x"/> [N, C, H, W] with channels-last strides [H·W·C, 1, W·C, C] (a copy, or
    /// <paramref name="x"/>'s data when it is already so laid out).
    /// </summary>
    public static Tensor Contiguous(Tensor x)
    {
        if (x.dim() != 4)
        {
            throw new ArgumentException($"channels-last layout needs a 4-d tensor [N, C, H, W], got {LayerBase.FormatShape(x.shape)}", nameof(x));
        }
        return Unit.Value.invoke<Tensor>("channels_last", x);
    }

    /// <summary>Whether <paramref name="x"/> [N, C, H, W] is laid out channels-last (strides [H·W·C, 1, W·C, C]; size-1 dimensions ignored).</summary>
    public static bool IsContiguous(Tensor x)
    {
        if (x.dim() != 4)
        {
            return false;
        }
        var (s, st) = (x.shape, x.stride());
        long[] expected = [s[1] * s[2] * s[3], 1, s[3] * s[1], s[1]];
        for (var i = 0; i < 4; i++)
        {
            if (s[i] != 1 && st[i] != expected[i])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Re-lays every 4-d parameter and buffer of <paramref name="module"/> (recursively) channels-last in place
    /// (<c>set_</c> keeps each parameter object, so optimisers and state dicts still refer to it), as PyTorch's
    /// <c>module.to(memory_format=torch.channels_last)</c> does. Returns the module.
    /// </summary>
    public static T Apply<T>(T module) where T : nn.Module
    {
        using var noGrad = no_grad();
        foreach (var tensor in module.parameters().Cast<Tensor>().Concat(module.buffers()))
        {
            if (tensor.dim() == 4 && !IsContiguous(tensor))
            {
                using var relaid = Contiguous(tensor);
                tensor.set_(relaid);
            }
        }
        return module;
    }
}
