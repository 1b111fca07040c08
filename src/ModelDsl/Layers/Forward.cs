using static TorchSharp.torch;

namespace ModelDsl;

/// <summary>
/// The two steps generated <c>forward</c> methods take between layers. A generated forward frees each intermediate as
/// soon as the next layer has consumed it (a dispose scope frees them too, but only at its end, so peak memory would
/// hold every activation of the pass); the caller's input and the result are never freed here.
/// </summary>
public static class Forward
{
    /// <summary>Runs <paramref name="module"/> on <paramref name="x"/>, an intermediate the caller owns, and frees it.</summary>
    public static Tensor Then(nn.Module<Tensor, Tensor> module, Tensor x)
    {
        var y = module.call(x);
        if (!ReferenceEquals(y, x))
        {
            x.Dispose();
        }

        return y;
    }

    /// <summary>
    /// Adds the shortcut to the branch output in place (as torchvision's <c>out += identity</c>) and returns it; frees
    /// the shortcut when it is an intermediate (a projection's output, a saved branch input), never the caller's input.
    /// </summary>
    public static Tensor AddResidual(Tensor x, Tensor shortcut, bool disposeShortcut)
    {
        if (!x.shape.AsSpan().SequenceEqual(shortcut.shape))
        {
            throw new ArgumentException($"residual add: the branch gives {LayerBase.FormatShape(x.shape)}, the shortcut {LayerBase.FormatShape(shortcut.shape)}");
        }

        var sum = x.add_(shortcut);
        if (disposeShortcut)
        {
            shortcut.Dispose();
        }

        return sum;
    }
}
